import { KubeConflictError, KubeError, KubeInvalidError, KubeNotFoundError } from '../k8s/errors.js';
import { parseLabelSelector, type LabelRequirement } from '../k8s/label-selector.js';

/**
 * The errors an apiserver gives for NotebookJob definitions, for the stores
 * that stand in for one (the local runtime's files, the in-memory fake), so
 * callers see the same KubeErrors whatever the runtime.
 */

/** Object names the apiserver accepts (RFC 1123 subdomain). */
export const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const KIND = 'NotebookJob';

/** 404 for a missing definition. */
export function notFound(name: string): KubeNotFoundError {
  return new KubeNotFoundError('not-found', 404, `notebookjobs "${name}" not found`, {
    reason: 'NotFound',
    target: { name, kind: KIND },
  });
}

/** 409 when creating a name that is taken. */
export function alreadyExists(name: string): KubeConflictError {
  return new KubeConflictError('already-exists', 409, `notebookjobs "${name}" already exists`, {
    reason: 'AlreadyExists',
    target: { name, kind: KIND },
  });
}

/** 409 for a stale resourceVersion or uid. */
export function conflict(name: string, detail: string): KubeConflictError {
  return new KubeConflictError(
    'conflict',
    409,
    `Operation cannot be fulfilled on notebookjobs "${name}": ${detail}`,
    {
      reason: 'Conflict',
      target: { name, kind: KIND },
    },
  );
}

/** The name if the apiserver would accept it, else its 422. */
export function checkName(name: string | undefined): string {
  if (name && OBJECT_NAME.test(name)) return name;
  throw new KubeInvalidError(
    422,
    `NotebookJob "${name ?? ''}" is invalid: metadata.name: must be a lowercase RFC 1123 subdomain`,
    [
      {
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message: 'must be a lowercase RFC 1123 subdomain',
      },
    ],
    { reason: 'Invalid', target: { name, kind: KIND } },
  );
}

/** A label selector, or the apiserver's 400 for a malformed one. */
export function parseSelector(selector: string | undefined): LabelRequirement[] {
  try {
    return parseLabelSelector(selector ?? '');
  } catch (err) {
    throw new KubeError('bad-request', 400, (err as Error).message, { reason: 'BadRequest', cause: err });
  }
}

/** The list cursor: the last name of the previous page, base64url-encoded. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!OBJECT_NAME.test(name)) throw new KubeError('bad-request', 400, 'invalid continue token');
  return name;
}
