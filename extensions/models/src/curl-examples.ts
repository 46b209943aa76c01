import type { GatewayProtocol } from '@turing/client';

/**
 * Copyable `curl` commands for a model's endpoints: through the hub with the
 * user's hub token (from a terminal of their server, where
 * `JUPYTERHUB_API_TOKEN` is set), and on the in-cluster listener with an API
 * key.
 */

/** The environment variable holding the hub token in a user's server. */
export const HUB_TOKEN_VARIABLE = 'JUPYTERHUB_API_TOKEN';

/** The variable the API key example reads the key from. */
export const API_KEY_VARIABLE = 'TURING_MODEL_API_KEY';

/** A word for a POSIX shell in single quotes (`'` written as `'\''`). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The absolute URL of a path on the page's origin; absolute URLs pass through. */
export function absoluteUrl(origin: string, path: string): string {
  return /^https?:\/\//.test(path)
    ? path
    : `${origin.replace(/\/$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
}

/** The prediction path below an endpoint base: `<v1>:predict` or `<v2>/infer` (kept when already there). */
export function predictPath(base: string, protocol: GatewayProtocol): string {
  if (protocol === 'v1') {
    return base.endsWith(':predict') ? base : `${base.replace(/\/$/, '')}:predict`;
  }
  return base.endsWith('/infer') ? base : `${base.replace(/\/$/, '')}/infer`;
}

/** Options of {@link curlExample}. */
export interface CurlExampleOptions {
  /** The absolute URL to POST to. */
  url: string;
  /** The JSON body, sent compact. */
  body: unknown;
  /** The `Authorization` header's value, with its variable unexpanded (e.g. `token $JUPYTERHUB_API_TOKEN`). */
  authorization: string;
}

/**
 * A multi-line `curl` POST of JSON. The authorization header is in double
 * quotes so the shell expands its variable; URL and body are single-quoted.
 */
export function curlExample({ url, body, authorization }: CurlExampleOptions): string {
  return [
    `curl -sS -X POST ${shellQuote(url)} \\`,
    `  -H "Authorization: ${authorization}" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify(body))}`,
  ].join('\n');
}

/** The hub-token example of a model endpoint (`base`: the view's `endpoints.v1` or `.v2`). */
export function hubCurlExample(
  origin: string,
  base: string,
  protocol: GatewayProtocol,
  body: unknown,
): string {
  return curlExample({
    url: absoluteUrl(origin, predictPath(base, protocol)),
    body,
    authorization: `token $${HUB_TOKEN_VARIABLE}`,
  });
}

/** The API key example on the in-cluster listener (`apiKeyBase`: the model's base there). */
export function apiKeyCurlExample(
  apiKeyBase: string,
  modelName: string,
  protocol: GatewayProtocol,
  body: unknown,
): string {
  const base = `${apiKeyBase.replace(/\/$/, '')}/${protocol}/models/${encodeURIComponent(modelName)}`;
  return curlExample({
    url: predictPath(base, protocol),
    body,
    authorization: `Bearer $${API_KEY_VARIABLE}`,
  });
}
