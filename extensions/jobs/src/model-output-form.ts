import type { ModelOutputSpec, Run } from '@turing/client';

import type { Translate } from './parameters';

/**
 * The "Model output" part of the Schedule dialog: each successful run
 * publishes the files at a path as the next version of a model. Off by
 * default; these are the pure pieces (form state, checks, request, labels).
 */

/** Form field keys of the section, for messages next to the inputs. */
export const MODEL_OUTPUT_FIELDS = {
  model: 'modelOutputModel',
  path: 'modelOutputPath',
  percent: 'modelOutputPercent',
} as const;

/** The section as the user typed it. */
export interface ModelOutputForm {
  enabled: boolean;
  model: string;
  path: string;
  rollout: 'canary' | 'replace';
  /** Canary traffic share, as typed. */
  percent: string;
}

/** A model name: lower-case DNS label starting with a letter, at most 40 characters (as hub-proxy checks). */
const MODEL_NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** Off, with the usual folder and a cautious canary prefilled for when it is turned on. */
export function newModelOutputForm(): ModelOutputForm {
  return { enabled: false, model: '', path: 'model/', rollout: 'canary', percent: '10' };
}

/** The section for a job's stored model output (off when it has none). */
export function modelOutputFormOf(spec: ModelOutputSpec | undefined): ModelOutputForm {
  if (!spec) {
    return newModelOutputForm();
  }
  return {
    enabled: true,
    model: spec.model,
    path: spec.path,
    rollout: spec.rollout.kind,
    percent: spec.rollout.kind === 'canary' ? String(spec.rollout.percent) : '10',
  };
}

/** Why the path cannot be used (hub-proxy checks the same), or undefined. */
function pathProblem(path: string, trans: Translate): string | undefined {
  if (path.trim() === '') {
    return trans.__('Enter the file or folder the notebook writes, e.g. model/');
  }
  if (path.startsWith('/') || path.startsWith('~')) {
    return trans.__("Enter a path relative to the notebook's working directory (no leading / or ~).");
  }
  const segments = (path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  if (segments.includes('..')) {
    return trans.__('The path must stay inside the working directory (no ..).');
  }
  if (path.includes('\\') || segments.includes('')) {
    return trans.__('Separate folders with a single /.');
  }
  return undefined;
}

/** Messages per field of the section; empty when it is off or valid. */
export function modelOutputErrors(form: ModelOutputForm, trans: Translate): Array<[string, string]> {
  if (!form.enabled) {
    return [];
  }
  const errors: Array<[string, string]> = [];
  if (form.model.trim() === '') {
    errors.push([MODEL_OUTPUT_FIELDS.model, trans.__('Enter the name of the model to publish to.')]);
  } else if (!MODEL_NAME.test(form.model.trim())) {
    errors.push([
      MODEL_OUTPUT_FIELDS.model,
      trans.__(
        'Use up to 40 lower-case letters, digits and dashes, starting with a letter and not ending with a dash.',
      ),
    ]);
  }
  const path = pathProblem(form.path.trim(), trans);
  if (path) {
    errors.push([MODEL_OUTPUT_FIELDS.path, path]);
  }
  if (form.rollout === 'canary') {
    const percent = Number(form.percent.trim());
    if (!/^\d+$/.test(form.percent.trim()) || percent < 1 || percent > 99) {
      errors.push([MODEL_OUTPUT_FIELDS.percent, trans.__('Enter a canary share from 1 to 99 percent.')]);
    }
  }
  return errors;
}

/** The request field: the spec, or `null` when the section is off. */
export function modelOutputRequest(form: ModelOutputForm): ModelOutputSpec | null {
  if (!form.enabled) {
    return null;
  }
  return {
    model: form.model.trim(),
    path: form.path.trim(),
    rollout:
      form.rollout === 'canary'
        ? { kind: 'canary', percent: Number(form.percent.trim()) }
        : { kind: 'replace' },
  };
}

/** "Published ctr v3" for a run that published, the reason for one that could not; undefined otherwise. */
export function modelOutputLabel(run: Run, trans: Translate): string | undefined {
  const outcome = run.modelOutput;
  if (!outcome) {
    return undefined;
  }
  if ('version' in outcome) {
    return trans.__('Published %1 v%2', outcome.model, outcome.version);
  }
  return trans.__('Not published to %1: %2', outcome.model, outcome.error);
}
