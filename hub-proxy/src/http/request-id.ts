import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../observability/logger.js';
import { setRequestContext } from './context.js';

/** Header carrying the request id in and out. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

// Accept a caller's id only if it is short and harmless in logs and headers.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Reuses a well-formed incoming `X-Request-Id` (e.g. from an ingress) or
 * mints one, echoes it on the response and creates the request's child logger.
 */
export function requestId(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get(REQUEST_ID_HEADER);
    const id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, id);
    setRequestContext(req, { requestId: id, log: logger.child({ requestId: id }) });
    next();
  };
}
