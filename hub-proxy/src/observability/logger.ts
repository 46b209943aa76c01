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

/**
 * Replaces the values of credential-bearing query parameters (`code`,
 * `token`, ...) in a URL or path with `[REDACTED]`.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      let name = key;
      try {
        name = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        // Undecodable keys are compared raw.
      }
      return SECRET_QUERY_PARAMS.has(name.toLowerCase()) && eq >= 0 ? `${key}=[REDACTED]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
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
