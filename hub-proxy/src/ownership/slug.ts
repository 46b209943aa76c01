import { createHash } from 'node:crypto';

/**
 * KubeSpawner 7's "safe" slug scheme (kubespawner/slugs.py), reproduced
 * exactly so Turing's owner labels match the `{username}` KubeSpawner uses
 * for the same user.
 */

/** KubeSpawner's per-field limit for user and server names (`_slug_max_length`). */
export const SLUG_MAX_LENGTH = 48;
const HASH_LENGTH = 8;
const NON_ALPHANUM = /[^a-z0-9]+/g;
const OBJECT_PATTERN = /^[a-z0-9-]+$/;

/** slugs.is_valid_object_name: a DNS label (RFC 1035 and 1123), at most 63 characters. */
function isValidObjectName(s: string): boolean {
  return s.length >= 1 && s.length <= 63 && /^[a-z]/.test(s) && /[a-z0-9]$/.test(s) && OBJECT_PATTERN.test(s);
}

/** slugs._extract_safe_name */
function extractSafeName(name: string, maxLength: number): string {
  let safe = name.toLowerCase().replace(NON_ALPHANUM, '-');
  safe = trimEnd(safe.replace(/^-+/, '').slice(0, maxLength), '-');
  if (safe && !/^[a-z]/.test(safe)) safe = `x-${safe.slice(0, maxLength - 2)}`;
  return safe || 'x';
}

/** slugs.strip_and_hash: `{safe name}---{first 8 hex of sha256(name)}`. */
function stripAndHash(name: string, maxLength: number): string {
  const nameLength = maxLength - (HASH_LENGTH + 3);
  if (nameLength < 1) throw new RangeError(`Cannot make safe names shorter than ${HASH_LENGTH + 4}`);
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, HASH_LENGTH);
  return `${extractSafeName(name, nameLength)}---${hash}`;
}

/**
 * slugs.safe_slug as KubeSpawner calls it for `{username}`
 * (`safe_slug(name, max_length=48)`): a valid name is kept as is; anything
 * else, or anything containing `--`, becomes `{stripped}---{hash}`.
 */
export function safeSlug(name: string, maxLength = SLUG_MAX_LENGTH): string {
  if (name.includes('--')) return stripAndHash(name, maxLength);
  if (isValidObjectName(name) && name.length <= maxLength) return name;
  return stripAndHash(name, maxLength);
}

/**
 * slugs.multi_slug, as KubeSpawner builds `{user_server}` when the pair is too
 * long: every name cut to an equal share, joined with `--`, then `---` and 8
 * hex of sha256 over the names separated by the byte 0xFF (never a UTF-8
 * start byte, so boundaries cannot collide).
 */
export function multiSlug(names: readonly string[], maxLength: number): string {
  const hasher = createHash('sha256');
  names.forEach((name, i) => {
    if (i > 0) hasher.update(Buffer.from([0xff]));
    hasher.update(name, 'utf8');
  });
  const hash = hasher.digest('hex').slice(0, HASH_LENGTH);
  const perName = Math.floor((maxLength - (HASH_LENGTH + 1)) / names.length);
  return `${names.map((name) => extractSafeName(name, perName - 2)).join('--')}---${hash}`;
}

function trimEnd(s: string, ch: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === ch) end--;
  return s.slice(0, end);
}
