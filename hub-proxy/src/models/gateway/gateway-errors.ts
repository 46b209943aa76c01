/**
 * The gateway's answers of its own, as problem+json on a bare
 * ServerResponse (the gateway runs outside express's error middleware, on
 * the public listener and on the API-key listener alike).
 */
import type { ServerResponse } from 'node:http';
import { HttpError } from '../../http/errors.js';
import { problemBody } from '../../http/problem.js';
import { REQUEST_ID_HEADER } from '../../http/request-id.js';

/** 504: the backend did not answer within the upstream timeout. */
export class GatewayTimeoutError extends HttpError {
  constructor(detail = 'The model did not answer in time.') {
    super(504, 'Gateway Timeout', 'gateway-timeout', { detail });
  }
}

/**
 * Writes `error` as problem+json. `close` also closes the connection, for
 * answers sent before the request body was read (413).
 */
export function writeProblem(res: ServerResponse, error: HttpError, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const requestId = res.getHeader(REQUEST_ID_HEADER);
  const body = JSON.stringify(problemBody(error, typeof requestId === 'string' ? requestId : undefined));
  if (close) res.shouldKeepAlive = false;
  res.writeHead(error.status, {
    ...error.headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}
