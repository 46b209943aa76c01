/**
 * Model names: a lowercase DNS label, because the name is the gateway path
 * `/models/<name>/` and names the serving Deployment and Service. Repeated
 * here because the browser bundle cannot import hub-proxy; hub-proxy's check
 * is the one that counts.
 */

import type { Translate } from './model-format';
import { MODEL_FILE_EXTENSIONS } from './model-format';

/** The longest model name. */
export const MODEL_NAME_MAX = 40;

/** A model name: lowercase letters, digits and dashes, starting with a letter, not ending with a dash. */
export const MODEL_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** Why a model name is refused. */
export type ModelNameProblem = 'empty' | 'too-long' | 'invalid';

/** Checks a model name; `null` when it follows the rules. */
export function validateModelName(name: string): ModelNameProblem | null {
  if (name === '') {
    return 'empty';
  }
  if (name.length > MODEL_NAME_MAX) {
    return 'too-long';
  }
  return MODEL_NAME_PATTERN.test(name) ? null : 'invalid';
}

/** The rules, as the dialog shows them under the name. */
export function modelNameRules(trans: Translate): string {
  return trans.__(
    'Lowercase letters, digits and dashes; starts with a letter, ends with a letter or digit; at most %1 characters. It names the URL /models/<name>/.',
    MODEL_NAME_MAX,
  );
}

/** A readable message for a refused name. */
export function describeModelNameProblem(problem: ModelNameProblem, trans: Translate): string {
  switch (problem) {
    case 'empty':
      return trans.__('Enter a name for the model.');
    case 'too-long':
      return trans.__('At most %1 characters.', MODEL_NAME_MAX);
    default:
      return trans.__(
        'Use lowercase letters, digits and dashes; start with a letter and end with a letter or digit.',
      );
  }
}

/**
 * A valid name from a file or folder path: the name without its model file
 * extension, lower-cased, other characters turned into dashes, `model-`
 * prefixed when it does not start with a letter. A numbered export folder
 * (`export/iris/1`, as TF Serving lays versions out) is named after its parent.
 */
export function modelNameFromPath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  let base = parts.pop() ?? '';
  if (/^\d+$/.test(base) && parts.length > 0) {
    base = parts.pop() ?? base;
  }
  const dot = base.lastIndexOf('.');
  if (dot > 0 && MODEL_FILE_EXTENSIONS[base.slice(dot).toLowerCase()]) {
    base = base.slice(0, dot);
  }
  let name = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) {
    name = name ? `model-${name}` : 'model';
  }
  return name.slice(0, MODEL_NAME_MAX).replace(/-+$/, '');
}
