import type { FieldErrors } from '@turing/ui';

import { MODEL_OUTPUT_FIELDS } from './model-output-form';
import type { ScheduleForm } from './schedule-form';
import type { ScheduleSettings } from './settings';

/**
 * What the Schedule dialog folds under "Advanced" (retries, dependencies,
 * alerts, outputs, model output), so the usual form fits the screen; and
 * when that disclosure opens by itself.
 */

const ADVANCED_FIELDS = new Set<string>([
  'retries',
  'dependsOn',
  'alerts',
  'outputs',
  'modelOutputRollout',
  ...Object.values(MODEL_OUTPUT_FIELDS),
]);

/** Whether a form field sits under "Advanced". */
export function isAdvancedField(field: string): boolean {
  return ADVANCED_FIELDS.has(field) || field.startsWith('alert:');
}

/** Whether any message is about a field under "Advanced" (it then opens, so the message is seen). */
export function hasAdvancedErrors(errors: FieldErrors): boolean {
  return Object.entries(errors).some(([field, messages]) => messages.length > 0 && isAdvancedField(field));
}

/** Whether the form sets anything under "Advanced" away from its default (a job being edited shows it open). */
export function hasAdvancedValues(form: ScheduleForm, settings: ScheduleSettings): boolean {
  return (
    form.retries.trim() !== String(settings.defaultRetries) ||
    form.dependsOn.length > 0 ||
    form.alerts.length > 0 ||
    form.html ||
    form.modelOutput.enabled
  );
}
