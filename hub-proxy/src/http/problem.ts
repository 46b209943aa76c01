import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { maybeRequestContext } from './context.js';
import {
  BadRequestError,
  HttpError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors.js';

/** The problem+json body (RFC 9457) every error response carries. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ description: 'An RFC 9457 problem document.' });

/** A problem document. */
export type Problem = z.infer<typeof problemSchema>;

/** Throws 404 for anything no route took. Install after all routes. */
export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new NotFoundError('No such endpoint.'));
}

/**
 * The one error middleware: maps typed errors (and body-parser's) to
 * problem+json, never leaks a stack, and logs unknown errors with the request id.
 */
export function problemHandler(): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const ctx = maybeRequestContext(req);
    const error = toHttpError(err);
    if (!(err instanceof HttpError)) {
      ctx?.log.error({ err }, 'request failed');
    } else if (error.status >= 500) {
      // An expected upstream failure (hub down, ...): no stack needed.
      ctx?.log.warn({ status: error.status, detail: error.detail }, 'request failed upstream');
    }
    if (res.headersSent) {
      // Too late for a problem body; let express drop the connection.
      next(err);
      return;
    }
    sendProblem(res, error, ctx?.requestId);
  };
}

/** Writes `error` as an `application/problem+json` response. */
export function sendProblem(res: Response, error: HttpError, requestId?: string): void {
  const body: Problem = {
    type: error.type,
    title: error.title,
    status: error.status,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(error instanceof ValidationError ? { errors: error.errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
  res.status(error.status).set(error.headers).type('application/problem+json').send(JSON.stringify(body));
}

/** body-parser errors carry a `type` tag and a status; map the ones clients can cause. */
function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (typeof err === 'object' && err !== null && 'type' in err) {
    switch ((err as { type: unknown }).type) {
      case 'entity.too.large':
        return new PayloadTooLargeError();
      case 'entity.parse.failed':
        return new BadRequestError('The request body is not valid JSON.');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new UnsupportedMediaTypeError('Unsupported request body encoding or charset.');
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        return new BadRequestError('The request body could not be read.');
    }
  }
  return new InternalServerError({ cause: err });
}
