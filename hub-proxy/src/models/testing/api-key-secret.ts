/**
 * The secret part of a `tmk_<id>_<secret>` key. The secret is base64url and
 * may itself contain `_`, so splitting on `_` would return only a fragment.
 */
export function apiKeySecret(key: string): string {
  const secret = key.replace(/^tmk_[0-9a-f]{16}_/, '');
  if (secret.length !== 32) throw new Error(`not a model API key: ${key.slice(0, 4)}…`);
  return secret;
}
