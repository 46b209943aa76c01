import { Unprocessable } from '../../errors/index.js';
import type { ModelFile, ModelFormat, ModelSignature } from '../model.js';
import { readServingSignature, SavedModelError } from './saved-model-signature.js';

/** What the files of one version turned out to be. */
export interface DetectedModel {
  format: ModelFormat;
  /** The single model file (xgboost, sklearn); undefined for a SavedModel folder. */
  modelFile?: string;
  signature?: ModelSignature;
}

/** File extensions of single-file models, by format. */
export const MODEL_FILE_EXTENSIONS: Record<Exclude<ModelFormat, 'tensorflow'>, readonly string[]> = {
  xgboost: ['.json', '.ubj', '.bst'],
  sklearn: ['.joblib', '.pkl'],
};

/** What a publisher may send, in words (the error when something else arrives). */
export const EXPECTED_MODEL_INPUT =
  'a TensorFlow SavedModel folder (saved_model.pb and variables/), an xgboost model ' +
  '(.json, .ubj or .bst) or an sklearn model (.joblib or .pkl)';

/** Largest saved_model.pb or xgboost .json read to check it (the graph, not the weights). */
const MAX_INSPECTED_BYTES = 64 * 1024 * 1024;

function notAModel(detail: string): Unprocessable {
  return new Unprocessable(
    [{ field: 'files', message: `expected ${EXPECTED_MODEL_INPUT}` }],
    `${detail}; expected ${EXPECTED_MODEL_INPUT}.`,
  );
}

/** The format a single file's name says, if any. */
export function formatOfFileName(path: string): Exclude<ModelFormat, 'tensorflow'> | undefined {
  const lower = path.toLowerCase();
  for (const [format, extensions] of Object.entries(MODEL_FILE_EXTENSIONS)) {
    if (extensions.some((ext) => lower.endsWith(ext))) return format as 'xgboost' | 'sklearn';
  }
  return undefined;
}

/**
 * Decides what `files` are, reading the SavedModel proto for its
 * `serving_default` signature and checking that an xgboost `.json` is one.
 * Throws Unprocessable (422) naming what was expected.
 */
export async function detectModel(
  files: readonly ModelFile[],
  read: (path: string) => Promise<Uint8Array>,
): Promise<DetectedModel> {
  if (files.length === 0) throw notAModel('No files were uploaded');
  const paths = new Set(files.map((f) => f.path));
  const pb = files.find((f) => f.path === 'saved_model.pb');
  if (pb) {
    if (!files.some((f) => f.path.startsWith('variables/'))) {
      throw notAModel('The folder has saved_model.pb but no variables/ folder');
    }
    if (pb.sizeBytes > MAX_INSPECTED_BYTES) throw notAModel('saved_model.pb is larger than 64 MiB');
    try {
      return { format: 'tensorflow', signature: readServingSignature(await read('saved_model.pb')) };
    } catch (err) {
      if (err instanceof SavedModelError) throw notAModel(`Not a usable SavedModel: ${err.message}`);
      throw err;
    }
  }
  const [file] = files;
  const format = file && formatOfFileName(file.path);
  if (files.length !== 1 || !file || !format) {
    const shown = [...paths].slice(0, 5).join(', ') + (paths.size > 5 ? ', …' : '');
    throw notAModel(
      file && files.length === 1
        ? `"${file.path}" is not a model file`
        : `The folder (${shown}) has no saved_model.pb and is not a single model file`,
    );
  }
  if (format === 'xgboost' && file.path.toLowerCase().endsWith('.json')) {
    if (file.sizeBytes > MAX_INSPECTED_BYTES) return { format, modelFile: file.path };
    const learner = xgboostLearner(await read(file.path));
    if (!learner) throw notAModel(`"${file.path}" is JSON but not an xgboost model (no "learner")`);
    const features = Number(learner.learner_model_param?.num_feature);
    // The width the model was trained on, so callers (the Models panel's Try it) can shape a request.
    if (Number.isInteger(features) && features > 0) {
      return {
        format,
        modelFile: file.path,
        signature: {
          name: 'xgboost',
          inputs: [{ name: 'input-0', dtype: 'FP32', shape: [-1, features] }],
          outputs: [],
        },
      };
    }
  }
  return { format, modelFile: file.path };
}

interface XgboostLearner {
  learner_model_param?: { num_feature?: unknown };
}

/** The `learner` of an xgboost JSON model, or undefined for other JSON. */
function xgboostLearner(bytes: Uint8Array): XgboostLearner | undefined {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof parsed !== 'object' || parsed === null || !('learner' in parsed)) return undefined;
    const { learner } = parsed as { learner: unknown };
    return typeof learner === 'object' && learner !== null ? (learner as XgboostLearner) : {};
  } catch {
    return undefined;
  }
}
