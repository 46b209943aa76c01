import type { Request, RequestHandler } from 'express';
import { requestContext } from '../http/context.js';
import { redactUrl } from './logger.js';
import { observeHttpRequest } from './metrics.js';

/** Label for requests that matched no route, so raw URLs never become label values. */
export const UNMATCHED_ROUTE = '<unmatched>';

/**
 * Logs one line per finished request and records its duration by route
 * pattern. Credential headers and query secrets are redacted by the logger.
 */
export function requestLog(): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const ctx = requestContext(req);
      const route = ctx.route ?? UNMATCHED_ROUTE;
      observeHttpRequest(req.method, route, res.statusCode, seconds);
      ctx.log.info(
        {
          req: { method: req.method, url: redactUrl(req.originalUrl), route, headers: loggedHeaders(req) },
          res: { statusCode: res.statusCode, ...setCookieField(res.getHeader('set-cookie')) },
          user: ctx.identity?.name,
          durationMs: Math.round(seconds * 1e6) / 1e3,
        },
        'request completed',
      );
    });
    next();
  };
}

// Present only when set; the logger redacts the value.
function setCookieField(value: unknown): { headers?: { 'set-cookie': unknown } } {
  return value === undefined ? {} : { headers: { 'set-cookie': value } };
}

function loggedHeaders(req: Request): Record<string, string | string[] | undefined> {
  // Referer can carry ?code=... from the OAuth round trip.
  const referer = req.headers.referer;
  return { ...req.headers, ...(referer ? { referer: redactUrl(referer) } : {}) };
}
