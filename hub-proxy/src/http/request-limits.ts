import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import type { Logger } from '../observability/logger.js';
import {
  BadRequestError,
  RequestHeaderFieldsTooLargeError,
  RequestTimeoutError,
  UriTooLongError,
  type HttpError,
} from './errors.js';
import { problemBody } from './problem.js';

/** Request line plus headers Node accepts (its `maxHeaderSize`); past it: 431, or 414 for the URL. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Longest URL (path and query) a route sees; longer ones are 414. */
export const MAX_URL_BYTES = 8 * 1024;

/** 414 for a URL over {@link MAX_URL_BYTES} that still fit Node's header limit. */
export function limitUrlLength(): RequestHandler {
  return (req, _res, next) => {
    next(Buffer.byteLength(req.originalUrl) > MAX_URL_BYTES ? new UriTooLongError(MAX_URL_BYTES) : undefined);
  };
}

/** What Node's parser error carries besides the code. */
interface ParserError extends Error {
  code?: string;
  /** The chunk the parser was reading when it failed. */
  rawPacket?: Buffer;
}

/**
 * True when the chunk that overflowed starts a request whose request line
 * does not end within {@link MAX_URL_BYTES}: the URL, not the headers, is
 * too long. (Node reports one overflow for both; a chunk that starts
 * mid-request cannot tell, and counts as headers.)
 */
function isUrlOverflow(raw: Buffer | undefined): boolean {
  if (!raw || !/^[A-Z]+ /.test(raw.toString('latin1', 0, 16))) return false;
  const end = raw.indexOf('\n');
  return end === -1 || end > MAX_URL_BYTES;
}

/** The problem for a request Node's HTTP parser refused, or undefined when nothing should be sent. */
export function clientErrorProblem(err: ParserError): HttpError | undefined {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return isUrlOverflow(err.rawPacket)
      ? new UriTooLongError(MAX_URL_BYTES)
      : new RequestHeaderFieldsTooLargeError(MAX_HEADER_BYTES);
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new RequestTimeoutError();
  if (err.code?.startsWith('HPE_')) return new BadRequestError('The request is not well-formed HTTP/1.1.');
  return undefined; // ECONNRESET and the like: nobody is listening for an answer.
}

/**
 * Answers what Node's HTTP parser refuses (over-long request line or
 * headers, malformed requests, timeouts) with problem+json, where Node
 * would send a bodiless status line. There is no request or response
 * object at this stage, so the response is written to the socket.
 */
export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (err: ParserError, socket: Duplex) => {
    const error = clientErrorProblem(err);
    // A response already under way on this connection cannot be followed by another.
    const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (!error || !socket.writable || busy) {
      socket.destroy();
      return;
    }
    logger.debug({ code: err.code, status: error.status }, 'request refused by the HTTP parser');
    const body = JSON.stringify(problemBody(error));
    socket.end(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
