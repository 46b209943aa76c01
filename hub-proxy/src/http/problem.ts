import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { maybeRequestContext } from './context.js';
import { mapError } from './error-mapping.js';
import { HttpError, NotFoundError } from './errors.js';

/** The problem+json body (RFC 9457) every error response carries. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
    quota: z.string().optional().meta({ description: 'quota-exceeded: which quota.' }),
    limit: z.number().optional().meta({ description: 'quota-exceeded: its limit.' }),
    used: z.number().optional().meta({ description: 'quota-exceeded: what is in use.' }),
  })
  .meta({ description: 'An RFC 9457 problem document.' });

/** A problem document. */
export type Problem = z.infer<typeof problemSchema>;

/** Throws 404 for anything no route took. Install after all routes. */
export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new NotFoundError('No such endpoint.'));
}

/**
 * The one error middleware: maps every thrown value to problem+json through
 * `error-mapping.ts` (domain errors, Kubernetes errors, HTTP errors,
 * body-parser's), never leaks a stack or an upstream's message, and logs
 * 5xx answers with the request id (unknown errors with their stack).
 */
export function problemHandler(): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const ctx = maybeRequestContext(req);
    const { error, severity, reason } = mapError(err);
    if (severity === 'bug') {
      ctx?.log.error({ err }, 'request failed');
    } else if (severity === 'misconfigured') {
      ctx?.log.error({ status: error.status, reason }, 'request refused by a dependency');
    } else if (severity === 'upstream') {
      // An expected upstream failure (hub down, ...): no stack needed.
      ctx?.log.warn({ status: error.status, detail: error.detail, reason }, 'request failed upstream');
    }
    if (res.headersSent) {
      // Too late for a problem body; let express drop the connection.
      next(err);
      return;
    }
    sendProblem(res, error, ctx?.requestId);
  };
}

/** The problem document of `error`. */
export function problemBody(error: HttpError, requestId?: string): Problem {
  return {
    // Extensions first: they may not override the standard members.
    ...error.extensions,
    type: error.type,
    title: error.title,
    status: error.status,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(error.errors === undefined ? {} : { errors: error.errors }),
    ...(requestId ? { requestId } : {}),
  };
}

/** Writes `error` as an `application/problem+json` response. */
export function sendProblem(res: Response, error: HttpError, requestId?: string): void {
  const body = problemBody(error, requestId);
  res.status(error.status).set(error.headers).type('application/problem+json').send(JSON.stringify(body));
}
