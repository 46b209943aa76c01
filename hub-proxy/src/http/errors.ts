/**
 * Typed HTTP errors. The transport (auth, body parsing, routes) throws these;
 * services throw the transport-neutral errors of `errors/`, which
 * `error-mapping.ts` turns into these. The one problem+json middleware in
 * `problem.ts` renders both.
 */
import type { FieldError } from '../errors/domain-errors.js';

// One type for both layers, so field errors pass from a service to the response unchanged.
export type { FieldError };

/** Options shared by every {@link HttpError}. */
export interface HttpErrorOptions {
  /** Human-readable explanation specific to this occurrence. */
  detail?: string;
  /** Extra response headers, e.g. `WWW-Authenticate`. */
  headers?: Record<string, string>;
  /** RFC 9457 extension members added to the body, e.g. `{ quota, limit, used }`. */
  extensions?: Record<string, string | number | boolean>;
  /** The invalid fields, sent as `errors[]`. */
  errors?: FieldError[];
  cause?: unknown;
}

const PROBLEM_BASE = 'https://turing.dev/problems/';

/** Base class: an error that maps to an RFC 9457 problem response. */
export class HttpError extends Error {
  readonly status: number;
  readonly title: string;
  /** Problem type URI; stable per class so clients can branch on it. */
  readonly type: string;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, string | number | boolean>;
  readonly errors: FieldError[] | undefined;

  constructor(status: number, title: string, kind: string, options: HttpErrorOptions = {}) {
    super(options.detail ?? title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.title = title;
    this.type = `${PROBLEM_BASE}${kind}`;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
    this.errors = options.errors;
  }
}

/** 400: the request is malformed in a way that is not a field error (e.g. bad JSON). */
export class BadRequestError extends HttpError {
  constructor(detail?: string, options: Omit<HttpErrorOptions, 'detail'> = {}) {
    super(400, 'Bad Request', 'bad-request', { ...options, detail });
  }
}

/** 400: one or more fields failed validation; `errors` names each of them. */
export class ValidationError extends HttpError {
  declare readonly errors: FieldError[];
  constructor(errors: FieldError[], detail = 'The request has invalid fields.') {
    super(400, 'Validation Failed', 'validation', { detail, errors });
  }
}

/** 422: a well-formed request whose content cannot be used (files that are not a model). */
export class UnprocessableContentError extends HttpError {
  declare readonly errors: FieldError[];
  constructor(errors: FieldError[], detail: string) {
    super(422, 'Unprocessable Content', 'unprocessable', { detail, errors });
  }
}

/** 401: no credentials, or credentials the hub does not accept. */
export class UnauthorizedError extends HttpError {
  constructor(detail = 'Authentication is required.') {
    // Tells script clients which scheme to use.
    super(401, 'Unauthorized', 'unauthorized', { detail, headers: { 'WWW-Authenticate': 'token' } });
  }
}

/** 403: authenticated, but not allowed (missing scope, not the owner, CSRF check failed). */
export class ForbiddenError extends HttpError {
  constructor(detail = 'You are not allowed to do this.') {
    super(403, 'Forbidden', 'forbidden', { detail });
  }
}

/** 404: no such resource (or one the caller may not know about). */
export class NotFoundError extends HttpError {
  constructor(detail = 'Not found.') {
    super(404, 'Not Found', 'not-found', { detail });
  }
}

/** 405: the path exists but not with this method; `Allow` lists the methods it has. */
export class MethodNotAllowedError extends HttpError {
  constructor(allowed: readonly string[]) {
    super(405, 'Method Not Allowed', 'method-not-allowed', {
      detail: `This endpoint takes ${allowed.join(', ')}.`,
      headers: { Allow: allowed.join(', ') },
    });
  }
}

/** 408: the client did not send a whole request in time. */
export class RequestTimeoutError extends HttpError {
  constructor(detail = 'The request was not received in time.') {
    super(408, 'Request Timeout', 'request-timeout', { detail });
  }
}

/** 409: the request conflicts with the current state (name taken, stale version). */
export class ConflictError extends HttpError {
  constructor(detail = 'The request conflicts with the current state.') {
    super(409, 'Conflict', 'conflict', { detail });
  }
}

/** 413: the request body is over the configured limit. */
export class PayloadTooLargeError extends HttpError {
  constructor(detail = 'The request body is too large.') {
    super(413, 'Payload Too Large', 'payload-too-large', { detail });
  }
}

/** 414: the URL (path and query) is over the limit. */
export class UriTooLongError extends HttpError {
  constructor(limitBytes: number) {
    super(414, 'URI Too Long', 'uri-too-long', { detail: `URLs are limited to ${limitBytes} bytes.` });
  }
}

/** 431: the request's header fields are over the limit (often a pile of cookies). */
export class RequestHeaderFieldsTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(431, 'Request Header Fields Too Large', 'header-fields-too-large', {
      detail: `The request line and headers are limited to ${limitBytes} bytes.`,
    });
  }
}

/** 415: the route takes JSON and got something else. */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(detail = 'The request body must be application/json.') {
    super(415, 'Unsupported Media Type', 'unsupported-media-type', { detail });
  }
}

/** 429: the caller is over a rate or quota limit. */
export class TooManyRequestsError extends HttpError {
  constructor(detail = 'Too many requests.', retryAfterSeconds?: number) {
    super(429, 'Too Many Requests', 'too-many-requests', {
      detail,
      ...(retryAfterSeconds === undefined ? {} : { headers: { 'Retry-After': String(retryAfterSeconds) } }),
    });
  }
}

/** 500: a bug. The detail shown to clients is always generic. */
export class InternalServerError extends HttpError {
  constructor(options: Omit<HttpErrorOptions, 'detail'> = {}) {
    super(500, 'Internal Server Error', 'internal', { ...options, detail: 'An unexpected error occurred.' });
  }
}

/** 502: an upstream we depend on (the hub, the Kubernetes API) answered badly. */
export class BadGatewayError extends HttpError {
  constructor(detail = 'An upstream service failed.', options: Omit<HttpErrorOptions, 'detail'> = {}) {
    super(502, 'Bad Gateway', 'bad-gateway', { ...options, detail });
  }
}

/** 503: an upstream is unreachable or the service is not ready. */
export class ServiceUnavailableError extends HttpError {
  constructor(
    detail = 'The service is temporarily unavailable.',
    options: Omit<HttpErrorOptions, 'detail'> = {},
  ) {
    super(503, 'Service Unavailable', 'unavailable', { ...options, detail });
  }
}
