/**
 * The headers the gateway sends up and down. Hop-by-hop headers belong to
 * one connection and are dropped both ways. The caller's credentials
 * (hub token, cookies, API key) were checked by the gateway's caller and
 * never reach a backend: serving pods run user-supplied model code.
 * Likewise a backend can neither set cookies on the hub's origin nor have a
 * browser run what it returns as a page.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/** RFC 9110 §7.6.1 connection-specific fields, plus the non-standard ones seen in the wild. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Request fields never forwarded: credentials, and what the gateway sets itself. */
const NOT_FORWARDED_UP = new Set([
  ...HOP_BY_HOP,
  'authorization',
  'cookie',
  'x-xsrf-token',
  'x-api-key',
  // The body is buffered: the gateway sends the length, and there is nothing to continue.
  'content-length',
  'expect',
  'host',
]);

/** Response fields never passed down. */
const NOT_PASSED_DOWN = new Set([...HOP_BY_HOP, 'set-cookie']);

/** The response header naming the version that answered. */
export const MODEL_VERSION_HEADER = 'x-turing-model-version';

/** Header names listed in `Connection` are hop-by-hop too. */
function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const tokens = new Set<string>();
  for (const part of (Array.isArray(value) ? value.join(',') : value).split(',')) {
    const token = part.trim().toLowerCase();
    if (token && token !== 'close' && token !== 'keep-alive') tokens.add(token);
  }
  return tokens.size > 0 ? tokens : undefined;
}

/** Appends `value` to a possibly repeated, comma-separated header. */
function appended(existing: string | string[] | undefined, value: string): string {
  if (existing === undefined) return value;
  return `${Array.isArray(existing) ? existing.join(', ') : existing}, ${value}`;
}

/**
 * The headers to send upstream: the caller's, minus hop-by-hop and
 * credential fields, plus `host` (the backend's), `content-length` of the
 * buffered body, and `x-forwarded-for|proto|host`.
 */
export function upstreamHeaders(
  req: IncomingMessage,
  backendHost: string,
  bodyLength: number | undefined,
): OutgoingHttpHeaders {
  const source = req.headers;
  const dropped = connectionTokens(source.connection);
  const headers: OutgoingHttpHeaders = {};
  for (const name in source) {
    if (NOT_FORWARDED_UP.has(name) || dropped?.has(name)) continue;
    headers[name] = source[name];
  }
  headers.host = backendHost;
  if (bodyLength !== undefined) headers['content-length'] = bodyLength;
  const peer = req.socket.remoteAddress;
  if (peer) headers['x-forwarded-for'] = appended(source['x-forwarded-for'], peer);
  headers['x-forwarded-proto'] ??= (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  if (source.host !== undefined) headers['x-forwarded-host'] ??= source.host;
  return headers;
}

/**
 * The headers to send to the caller: the backend's, minus hop-by-hop
 * fields and `set-cookie`, plus the version that answered and headers that
 * stop a browser from running the body as a page on the hub's origin.
 */
export function downstreamHeaders(
  source: IncomingHttpHeaders,
  version: number | undefined,
): OutgoingHttpHeaders {
  const dropped = connectionTokens(source.connection);
  const headers: OutgoingHttpHeaders = {};
  for (const name in source) {
    if (NOT_PASSED_DOWN.has(name) || dropped?.has(name)) continue;
    headers[name] = source[name];
  }
  if (version !== undefined) headers[MODEL_VERSION_HEADER] = String(version);
  headers['x-content-type-options'] = 'nosniff';
  headers['content-security-policy'] = "sandbox; default-src 'none'";
  return headers;
}
