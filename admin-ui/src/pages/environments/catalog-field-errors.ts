import type { FieldError } from '@turing/client/lib/types';

/** The form fields a catalog error can point at (keys of the form's `FieldErrors`). */
export const ENVIRONMENT_FIELDS = [
  'id',
  'displayName',
  'description',
  'image',
  'default',
  'disabled',
  'versions.python',
  'versions.cuda',
  'versions.cudnn',
  'versions.frameworks',
  'gpu.vendor',
  'gpu.resource',
  'gpu.counts',
  'gpu.types',
  'gpu',
  'resources.cpu.default',
  'resources.cpu.max',
  'resources.memory.default',
  'resources.memory.max',
  'tags',
] as const;

/** The key of errors no field shows (they go to the summary only). */
export const GENERAL_FIELD = 'general';

/**
 * The form field of an error path: `environments[tf-2.16].gpu.counts[1]` ->
 * `gpu.counts`, `body.versions.frameworks.torch` -> `versions.frameworks`,
 * `environments[x].resources.cpu` -> `resources.cpu.default`. Paths no
 * field shows give {@link GENERAL_FIELD}.
 */
export function catalogErrorField(path: string): string {
  const relative = path
    .replace(/^(body|query|params)\./, '')
    .replace(/^environments\[[^\]]*\]\.?/, '')
    .replace(/\[[^\]]*\]/g, '');
  if (relative === '') {
    return GENERAL_FIELD;
  }
  const segments = relative.split('.');
  for (let length = segments.length; length > 0; length--) {
    const candidate = segments.slice(0, length).join('.');
    if ((ENVIRONMENT_FIELDS as readonly string[]).includes(candidate)) {
      return candidate;
    }
  }
  // A whole range (`resources.cpu`) or block is shown at its first field.
  const first = ENVIRONMENT_FIELDS.find((field) => field.startsWith(`${relative}.`));
  return first ?? GENERAL_FIELD;
}

/** The server's field errors per form field (every message also goes to the summary). */
export function catalogFieldErrors(errors: readonly FieldError[]): Record<string, string[]> {
  const byField: Record<string, string[]> = {};
  for (const error of errors) {
    const field = catalogErrorField(error.field);
    (byField[field] ??= []).push(error.message);
  }
  return byField;
}
