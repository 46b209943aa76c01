/**
 * The kind of a thrown error, whichever error family threw it: KubeErrors
 * (`kind` such as `not-found`, `already-exists`), transport-neutral domain
 * errors (`kind` such as `not-found`, `invalid-input`) or HTTP errors
 * (`status` 404, 409, ...). Tests assert on this instead of on a class, so
 * they keep holding while the services move between error families.
 */
export type ErrorKind =
  | 'not-found'
  | 'conflict'
  | 'invalid-input'
  | 'forbidden'
  | 'too-large'
  | 'unavailable'
  | 'other';

const BY_KIND: Record<string, ErrorKind> = {
  'not-found': 'not-found',
  conflict: 'conflict',
  'already-exists': 'conflict',
  'invalid-input': 'invalid-input',
  invalid: 'invalid-input',
  'bad-request': 'invalid-input',
  forbidden: 'forbidden',
  unauthorized: 'forbidden',
  'too-large': 'too-large',
  unavailable: 'unavailable',
  timeout: 'unavailable',
};

const BY_STATUS: Record<number, ErrorKind> = {
  400: 'invalid-input',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-large',
  422: 'invalid-input',
  503: 'unavailable',
};

/** See the file comment; anything unrecognised (including non-errors) is `other`. */
export function errorKind(err: unknown): ErrorKind {
  if (!(err instanceof Error)) return 'other';
  const { kind, status } = err as { kind?: unknown; status?: unknown };
  if (typeof kind === 'string' && BY_KIND[kind]) return BY_KIND[kind];
  if (typeof status === 'number' && BY_STATUS[status]) return BY_STATUS[status];
  return 'other';
}

/** The field paths of a validation error (`errors[].field`), empty for other errors. */
export function fieldsOf(err: unknown): string[] {
  const errors = (err as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? errors.map((e) => String((e as { field?: unknown }).field)) : [];
}
