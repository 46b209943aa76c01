import type { FieldErrors, FieldKey } from '@turing/ui';

import { MODEL_OUTPUT_FIELDS } from './model-output-form';
import type { Translate } from './parameters';
import { addError } from './schedule-form';
import { inFormUnits } from './schedule-limits';

/**
 * Server errors on the Schedule form: hub-proxy's problem+json names bad
 * fields as `body.schedule.cron`, `body.alerts[0].webhook`, ...; the dialog
 * shows each message next to the field the user can fix.
 */

/**
 * The form field a server error names (`body.schedule.cron` -> `cron`), so
 * the dialog shows it next to that field. `parameterNames` turns a
 * parameter's name into its row.
 */
export function fieldOfServerError(field: string, parameterNames: readonly string[]): FieldKey {
  const path = field.replace(/^(body|query|params)\./, '');
  const simple: Array<[RegExp, FieldKey]> = [
    [/^name\b/, 'name'],
    [/^environment\b/, 'environment'],
    [/^resources\.cpu\b/, 'cpu'],
    [/^resources\.memory\b/, 'memory'],
    [/^resources\.gpus\b/, 'gpus'],
    [/^resources\.gpuType\b/, 'gpuType'],
    [/^resources\b/, 'cpu'],
    [/^(schedule\.)?timezone\b/, 'timezone'],
    [/^(schedule\.)?cron\b/, 'cron'],
    [/^schedule\b/, 'cron'],
    [/^retries\b/, 'retries'],
    [/^timeoutSeconds\b/, 'timeout'],
    [/^concurrency\b/, 'concurrency'],
    [/^dependsOn\b/, 'dependsOn'],
    [/^outputs\b/, 'outputs'],
    [/^notebook\b/, 'notebook'],
    [/^parameters\b/, 'parameters'],
    [/^modelOutput\.path\b/, MODEL_OUTPUT_FIELDS.path],
    [/^modelOutput\.rollout\b/, MODEL_OUTPUT_FIELDS.percent],
    [/^modelOutput\b/, MODEL_OUTPUT_FIELDS.model],
    [/^alerts$/, 'alerts'],
  ];
  const alert = /^alerts(?:\[(\d+)\]|\.(\d+))/.exec(path);
  if (alert) {
    return `alert:${alert[1] ?? alert[2]}`;
  }
  const parameter = /^parameters(?:\.([A-Za-z_]\w*)|\["([^"]+)"\])/.exec(path);
  if (parameter) {
    const index = parameterNames.indexOf(parameter[1] ?? parameter[2] ?? '');
    return index >= 0 ? `parameter:${index}` : 'general';
  }
  return simple.find(([pattern]) => pattern.test(path))?.[1] ?? 'general';
}

/**
 * Server field errors grouped by form field, each in the field's unit (the
 * timeout in minutes, not hub-proxy's seconds).
 */
export function serverFieldErrors(
  errors: ReadonlyArray<{ field: string; message: string }>,
  parameterNames: readonly string[],
  trans: Translate,
): FieldErrors {
  const grouped: FieldErrors = {};
  for (const error of errors) {
    const field = fieldOfServerError(error.field, parameterNames);
    addError(grouped, field, inFormUnits(field, error.message, trans));
  }
  return grouped;
}

/** The parts of a refused request the form needs (a `TuringApiError` has them). */
export interface RefusedRequest {
  status: number;
  title: string;
  detail?: string | undefined;
  errors: ReadonlyArray<{ field: string; message: string }>;
}

/**
 * Field errors of a refused create or update. Problems without a field list
 * still belong to a field: 413 (notebook too large) to the notebook, 409
 * (the name is taken) to the name.
 */
export function refusedFieldErrors(
  refused: RefusedRequest,
  parameterNames: readonly string[],
  trans: Translate,
): FieldErrors {
  const fields = serverFieldErrors(refused.errors, parameterNames, trans);
  if (refused.errors.length === 0) {
    if (refused.status === 413) {
      addError(fields, 'notebook', refused.detail ?? refused.title);
    } else if (refused.status === 409) {
      addError(fields, 'name', refused.detail ?? refused.title);
    }
  }
  return fields;
}

/**
 * The summary lines of the errors no form field shows (`field: message`,
 * without the `body.` prefix), so a message placed at its field is not
 * repeated in the summary.
 */
export function unplacedErrorLines(
  errors: ReadonlyArray<{ field: string; message: string }>,
  parameterNames: readonly string[],
): string[] {
  return errors
    .filter((e) => fieldOfServerError(e.field, parameterNames) === 'general')
    .map((e) => `${e.field.replace(/^(body|query|params)\./, '')}: ${e.message}`);
}

/** The messages of field errors, once each, without field paths (e.g. for the schedule preview). */
export function distinctMessages(errors: ReadonlyArray<{ message: string }>): string[] {
  return [...new Set(errors.map((e) => e.message))];
}
