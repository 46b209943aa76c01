import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ModelApiKey } from './model.js';

/**
 * Per-model API keys for in-cluster callers: `tmk_<id>_<secret>`. Only the
 * secret's sha256 is stored; the whole key is shown once.
 */

const KEY_PATTERN = /^tmk_([0-9a-f]{16})_([A-Za-z0-9_-]{32})$/;

/** A new key: what to store and the one-time plaintext. */
export function mintApiKey(label: string, now = new Date()): { stored: ModelApiKey; key: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return {
    stored: { id, label, sha256: sha256(secret), createdAt: now.toISOString() },
    key: `tmk_${id}_${secret}`,
  };
}

/** The stored key `presented` matches, or undefined. Constant-time in the secret. */
export function matchApiKey(keys: readonly ModelApiKey[], presented: string): ModelApiKey | undefined {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return undefined;
  const [, id, secret = ''] = match;
  const stored = keys.find((k) => k.id === id);
  if (!stored) return undefined;
  const expected = Buffer.from(stored.sha256, 'hex');
  const actual = Buffer.from(sha256(secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? stored : undefined;
}

/** The key from `Authorization: Bearer <key>` (or `token <key>`), if any. */
export function bearerKey(header: string | undefined): string | undefined {
  const match = /^(?:Bearer|token)\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
