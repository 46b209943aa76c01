import { InvalidInput } from '../errors/index.js';

/**
 * Rules for artifact keys and prefixes, shared by every backend so a key that
 * works on the filesystem works on S3 and the other way round.
 *
 * A key is relative and `/`-separated: `users/<slug>/jobs/<object>/runs/<id>/log.txt`.
 * Its first two segments are the owner prefix (`users/<slug>/`), which the
 * per-owner size limit is counted under.
 */

/** Longest key, in UTF-8 bytes (S3 allows 1024; leave room for a bucket-side prefix). */
export const MAX_ARTIFACT_KEY_BYTES = 512;
/**
 * First segment reserved for the S3 backend's per-owner usage records
 * (`.turing-usage/<a>/<b>.json`): no artifact key or prefix may use it.
 */
export const USAGE_RECORD_ROOT = '.turing-usage';

/** Longest segment, in UTF-8 bytes (a file name on most filesystems). */
export const MAX_ARTIFACT_SEGMENT_BYTES = 255;

// Control characters break logs, S3 XML listings and some filesystems.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function invalid(field: string, value: string, message: string): InvalidInput {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return new InvalidInput([{ field, message }], `Invalid artifact ${field} "${shown}": ${message}.`);
}

/** Why `path` (a key, or a prefix without its trailing `/`) is unusable; undefined if it is fine. */
function problemWith(path: string): string | undefined {
  if (path.length === 0) return 'must not be empty';
  if (Buffer.byteLength(path) > MAX_ARTIFACT_KEY_BYTES)
    return `must be at most ${MAX_ARTIFACT_KEY_BYTES} bytes`;
  if (path.startsWith('/')) return 'must be relative (no leading "/")';
  if (path.includes('\\')) return 'must use "/" as separator, not "\\"';
  if (CONTROL_CHARACTER.test(path)) return 'must not contain control characters';
  if (path.split('/')[0] === USAGE_RECORD_ROOT)
    return `must not start with the reserved "${USAGE_RECORD_ROOT}/"`;
  for (const segment of path.split('/')) {
    if (segment === '') return 'must not contain empty segments ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'must not contain "." or ".." segments';
    if (Buffer.byteLength(segment) > MAX_ARTIFACT_SEGMENT_BYTES) {
      return `must not have segments longer than ${MAX_ARTIFACT_SEGMENT_BYTES} bytes`;
    }
  }
  return undefined;
}

/**
 * Checks `key` and returns it. A valid key has at least three segments, so
 * it always lies under an owner prefix. Throws InvalidInput (field `key`).
 */
export function validateArtifactKey(key: string): string {
  const problem =
    problemWith(key) ?? (key.split('/').length < 3 ? 'must lie under an owner prefix (a/b/name)' : undefined);
  if (problem !== undefined) throw invalid('key', key, problem);
  return key;
}

/**
 * Checks a listing or deletion prefix and returns it: a valid key path that
 * ends with `/` (e.g. `users/alice/jobs/`). The empty prefix is refused so
 * no call can reach every owner's objects. Throws InvalidInput (field `prefix`).
 */
export function validateArtifactPrefix(prefix: string): string {
  const problem = prefix.endsWith('/') ? problemWith(prefix.slice(0, -1)) : 'must end with "/"';
  if (problem !== undefined) throw invalid('prefix', prefix, problem);
  return prefix;
}

/** Checks an owner prefix: exactly two segments and a trailing `/` (`users/<slug>/`). */
export function validateOwnerPrefix(prefix: string): string {
  validateArtifactPrefix(prefix);
  if (prefix.split('/').length !== 3) throw invalid('prefix', prefix, 'must be an owner prefix (a/b/)');
  return prefix;
}

/** The owner prefix of a valid key: its first two segments, with a trailing `/`. */
export function ownerPrefixOf(key: string): string {
  const [first, second] = validateArtifactKey(key).split('/');
  return `${first}/${second}/`;
}

/**
 * Orders keys by their UTF-8 bytes, the order S3 lists in, so both backends
 * sort alike (JavaScript's default compares UTF-16 code units).
 */
export function compareArtifactKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
