import type { ModelFile, ModelFormat } from '@turing/client';

/**
 * Which model a file or folder is, told from its names before anything is
 * uploaded (hub-proxy checks the files again): a TensorFlow SavedModel
 * folder (`saved_model.pb` and `variables/`), an xgboost file (`.json`,
 * `.ubj`, `.bst`) or an sklearn file (`.joblib`, `.pkl`).
 */

/** The model file extensions and the format each one means. */
export const MODEL_FILE_EXTENSIONS: Readonly<Record<string, Exclude<ModelFormat, 'tensorflow'>>> = {
  '.json': 'xgboost',
  '.ubj': 'xgboost',
  '.bst': 'xgboost',
  '.joblib': 'sklearn',
  '.pkl': 'sklearn',
};

/** What a file or folder holds, as listed from the user's server. */
export interface SourceListing {
  kind: 'file' | 'directory';
  /** The file or folder name. */
  name: string;
  /** Every file, relative to the folder (a file source: just its name). */
  files: ModelFile[];
  /** Every sub-folder, relative to the folder (`variables`, `assets/x`). */
  directories: string[];
}

/** Why a source is not a model. */
export type FormatProblem =
  | { kind: 'not-a-model-file'; name: string; extension: string }
  | {
      kind: 'not-a-saved-model';
      name: string;
      missing: Array<'saved_model.pb' | 'variables/'>;
      /** A model file directly inside the folder, which could be published on its own. */
      modelFile?: string;
    }
  | { kind: 'empty'; name: string };

/** The outcome of {@link detectModelFormat}. */
export type Detection =
  | {
      ok: true;
      format: ModelFormat;
      /** What to upload, relative to the version's folder. */
      files: ModelFile[];
      /** The main file of an xgboost or sklearn model. */
      modelFile?: string;
    }
  | { ok: false; problem: FormatProblem };

/** The lower-cased extension with its dot (`.json`), `''` when there is none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** The format a file name means, if it is a model file's. */
export function formatOfFile(name: string): Exclude<ModelFormat, 'tensorflow'> | undefined {
  return MODEL_FILE_EXTENSIONS[extensionOf(name)];
}

/** Tells the model format of a listed file or folder, or why it is not a model. */
export function detectModelFormat(listing: SourceListing): Detection {
  const { name } = listing;
  if (listing.kind === 'file') {
    const format = formatOfFile(name);
    const file = listing.files[0];
    if (!format) {
      return { ok: false, problem: { kind: 'not-a-model-file', name, extension: extensionOf(name) } };
    }
    if (!file || file.sizeBytes === 0) {
      return { ok: false, problem: { kind: 'empty', name } };
    }
    return { ok: true, format, files: [file], modelFile: file.path };
  }
  const hasPb = listing.files.some((f) => f.path === 'saved_model.pb');
  const hasVariables = listing.directories.includes('variables');
  if (hasPb && hasVariables) {
    return { ok: true, format: 'tensorflow', files: listing.files };
  }
  const missing: Array<'saved_model.pb' | 'variables/'> = [];
  if (!hasPb) {
    missing.push('saved_model.pb');
  }
  if (!hasVariables) {
    missing.push('variables/');
  }
  const modelFile = listing.files.find((f) => !f.path.includes('/') && formatOfFile(f.path))?.path;
  return {
    ok: false,
    problem: { kind: 'not-a-saved-model', name, missing, ...(modelFile ? { modelFile } : {}) },
  };
}

/** A translation bundle's `__` (JupyterLab's `TranslationBundle` has it). */
export interface Translate {
  __(message: string, ...args: Array<string | number>): string;
}

/** The displayed name of a model format. */
export function formatLabel(format: ModelFormat, trans: Translate): string {
  switch (format) {
    case 'tensorflow':
      return trans.__('TensorFlow SavedModel');
    case 'xgboost':
      return trans.__('xgboost');
    default:
      return trans.__('scikit-learn');
  }
}

/** A readable sentence saying why the source is not a model and what was expected. */
export function describeFormatProblem(problem: FormatProblem, trans: Translate): string {
  const expected = trans.__(
    'Publish a TensorFlow SavedModel folder (saved_model.pb and variables/), an xgboost model file (.json, .ubj, .bst) or a scikit-learn model file (.joblib, .pkl).',
  );
  switch (problem.kind) {
    case 'not-a-model-file':
      return `${
        problem.extension
          ? trans.__('"%1" is not a model file: %2 files cannot be served.', problem.name, problem.extension)
          : trans.__('"%1" is not a model file: it has no model file extension.', problem.name)
      } ${expected}`;
    case 'empty':
      return trans.__('"%1" is empty: save the model again, then publish it.', problem.name);
    default: {
      const missing = problem.missing.join(trans.__(' and '));
      const hint = problem.modelFile
        ? ` ${trans.__('To publish %1, use Publish Model on that file.', problem.modelFile)}`
        : '';
      return `${trans.__('The folder "%1" is not a TensorFlow SavedModel: it has no %2.', problem.name, missing)} ${expected}${hint}`;
    }
  }
}
