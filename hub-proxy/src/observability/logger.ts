import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Query parameters whose values are credentials or one-time secrets. */
const SECRET_QUERY_PARAMS = new Set(['code', 'token', 'access_token', 'api_token', 'state', 'client_secret']);

/** Object paths pino blanks out before a line is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-xsrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'token',
  'access_token',
  'api_token',
  'apiToken',
  'client_secret',
  '*.token',
  '*.access_token',
  '*.api_token',
  '*.apiToken',
  '*.client_secret',
];

/** How deep URLs inside parameters (a `next` holding a `next`) are followed. */
const MAX_NESTED_URLS = 4;

/**
 * Replaces the values of credential-bearing query parameters (`code`,
 * `token`, ...) in a URL or path with `[REDACTED]`, also inside a URL that
 * is itself a parameter value (the `next` of a silent login carries the
 * original request, `?token=` included). A URL with nothing to redact is
 * returned unchanged.
 */
export function redactUrl(url: string, depth = 0): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
  const params = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    const key = pair.slice(0, eq);
    if (SECRET_QUERY_PARAMS.has(decodeParam(key).toLowerCase())) return `${key}=[REDACTED]`;
    return depth < MAX_NESTED_URLS ? `${key}=${redactNestedUrl(pair.slice(eq + 1), depth + 1)}` : pair;
  });
  return `${url.slice(0, q)}?${params.join('&')}${hash < 0 ? '' : url.slice(hash)}`;
}

/** A parameter value that decodes to a URL with a query has that query redacted, and is encoded again. */
function redactNestedUrl(value: string, depth: number): string {
  const decoded = decodeParam(value);
  if (!decoded.includes('?')) return value;
  const redacted = redactUrl(decoded, depth);
  return redacted === decoded ? value : encodeURIComponent(redacted);
}

/** Form-decoded (`+` is a space); an undecodable value is used raw. */
function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** Options for {@link createLogger}. */
export interface LoggerSettings {
  level?: LoggerOptions['level'];
  /** Where JSON lines go; stdout by default. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** Creates the process logger: JSON lines, ISO times, secrets redacted. */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: 'hub-proxy' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

export type { Logger } from 'pino';
