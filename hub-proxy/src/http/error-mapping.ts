/**
 * The one place thrown values become HTTP errors. Services throw
 * transport-neutral {@link DomainError}s, the Kubernetes layer throws
 * {@link KubeError}s, body-parser throws its tagged errors, the transport
 * throws {@link HttpError}s; everything else is a bug (500).
 *
 * | thrown                                   | status | problem type          |
 * | ---------------------------------------- | ------ | --------------------- |
 * | InvalidInput                             | 400    | validation (+errors)  |
 * | Unauthenticated                          | 401    | unauthorized          |
 * | Forbidden                                | 403    | forbidden (or code)   |
 * | NotFound                                 | 404    | not-found             |
 * | Conflict (VersionConflict: +currentVersion) | 409 | conflict              |
 * | PreconditionRequired (no If-Match)       | 428    | precondition-required |
 * | Unprocessable                            | 422    | unprocessable (+errors) |
 * | TooLarge                                 | 413    | payload-too-large     |
 * | QuotaExceeded (+Retry-After for rates)  | 429    | quota-exceeded        |
 * | QuotaExceeded, `permanent`               | 403    | quota-exceeded (or code) |
 * | UpstreamFailed                           | 502    | bad-gateway           |
 * | Unavailable                              | 503    | unavailable           |
 * | KubeInvalidError                         | 400    | validation (+errors)  |
 * | KubeNotFoundError                        | 404    | not-found             |
 * | KubeConflictError (conflict, exists)     | 409    | conflict              |
 * | KubeForbiddenError (403/401 from API)    | 502    | bad-gateway           |
 * | KubeUnavailableError, KubeError `gone`   | 503    | unavailable           |
 * | other KubeError (bad-request, unknown)   | 500    | internal              |
 * | anything else                            | 500    | internal              |
 */
import {
  InvalidInput,
  isDomainError,
  QuotaExceeded,
  Unavailable,
  Unprocessable,
  VersionConflict,
  type DomainError,
} from '../errors/domain-errors.js';
import {
  KubeConflictError,
  KubeError,
  KubeForbiddenError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnavailableError,
} from '../k8s/errors.js';
import {
  BadGatewayError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HttpError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnprocessableContentError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors.js';

/** Retry-After for a dependency that did not say how long to wait. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** How the error middleware should log a failure it answers. */
export type ErrorSeverity =
  /** The caller's doing (4xx): not logged. */
  | 'client'
  /** An expected dependency failure (5xx): one warning line, no stack. */
  | 'upstream'
  /** Our own deployment is wrong (RBAC): an error line, no stack. */
  | 'misconfigured'
  /** A bug: an error line with the stack. */
  | 'bug';

/** The HTTP error to answer with, and how loudly to log it. */
export interface MappedError {
  error: HttpError;
  severity: ErrorSeverity;
  /** What the dependency itself said, for the log only (never sent). */
  reason?: string;
}

/** Maps any thrown value to the problem it is answered with. Never throws. */
export function mapError(err: unknown): MappedError {
  if (err instanceof HttpError || isDomainError(err)) {
    const error = err instanceof HttpError ? err : fromDomain(err);
    const cause = err.cause instanceof Error ? err.cause.message : undefined;
    return {
      error,
      severity: error.status >= 500 ? 'upstream' : 'client',
      ...(cause === undefined ? {} : { reason: cause }),
    };
  }
  if (err instanceof KubeError) return { ...fromKube(err), reason: err.message };
  const parsed = fromBodyParser(err);
  if (parsed) return { error: parsed, severity: 'client' };
  return { error: new InternalServerError({ cause: err }), severity: 'bug' };
}

/** Shorthand for `mapError(err).error`: the status, type, title, detail and headers `err` is answered with. */
export function toHttpError(err: unknown): HttpError {
  return mapError(err).error;
}

/** A domain error as HTTP; a `code` on the error refines the problem type (and title). */
function fromDomain(err: DomainError): HttpError {
  const mapped = domainHttpError(err);
  if (!err.code) return mapped;
  return new HttpError(mapped.status, err.title ?? mapped.title, err.code, {
    ...(mapped.detail === undefined ? {} : { detail: mapped.detail }),
    headers: mapped.headers,
    extensions: mapped.extensions,
    ...(mapped.errors ? { errors: mapped.errors } : {}),
    cause: err,
  });
}

function domainHttpError(err: DomainError): HttpError {
  const options = { cause: err };
  switch (err.kind) {
    case 'invalid-input':
      return new ValidationError(err instanceof InvalidInput ? err.errors : [], err.message);
    case 'unauthenticated':
      return new UnauthorizedError(err.message);
    case 'forbidden':
      return new ForbiddenError(err.message);
    case 'not-found':
      return new NotFoundError(err.message);
    case 'conflict':
      return err instanceof VersionConflict
        ? new HttpError(409, 'Conflict', 'conflict', {
            ...options,
            detail: err.message,
            extensions: { currentVersion: err.currentVersion },
          })
        : new ConflictError(err.message);
    case 'precondition-required':
      return new HttpError(428, 'Precondition Required', 'precondition-required', {
        ...options,
        detail: err.message,
      });
    case 'unprocessable':
      return new UnprocessableContentError(err instanceof Unprocessable ? err.errors : [], err.message);
    case 'too-large':
      return new PayloadTooLargeError(err.message);
    case 'quota-exceeded':
      // A permanent refusal (GPUs, stored bytes) is 403: retrying later will not help.
      return new HttpError(
        err instanceof QuotaExceeded && err.persistence === 'permanent' ? 403 : 429,
        'Quota Exceeded',
        'quota-exceeded',
        {
          ...options,
          detail: err.message,
          ...(err instanceof QuotaExceeded
            ? { extensions: { quota: err.quota, limit: err.limit, used: err.used } }
            : {}),
          ...(err instanceof QuotaExceeded && err.retryAfterSeconds !== undefined
            ? { headers: { 'Retry-After': retryAfter(err.retryAfterSeconds) } }
            : {}),
        },
      );
    case 'upstream-failed':
      return new BadGatewayError(err.message, options);
    case 'unavailable':
      return new ServiceUnavailableError(err.message, {
        ...options,
        headers: {
          'Retry-After': retryAfter(err instanceof Unavailable ? err.retryAfterSeconds : undefined),
        },
      });
  }
}

/** Whole seconds, as `Retry-After` wants them; the default when unknown or nonsense. */
function retryAfter(seconds: number | undefined): string {
  const valid = seconds !== undefined && Number.isFinite(seconds) && seconds >= 0;
  return String(Math.ceil(valid ? seconds : DEFAULT_RETRY_AFTER_SECONDS));
}

/**
 * Kubernetes API failures that reach the edge unhandled. The API server's
 * own message is logged, never sent: it names namespaces, resources and
 * service accounts. Callers that know what the object means (the job, the
 * run) translate to a {@link DomainError} with a better message first.
 */
function fromKube(err: KubeError): MappedError {
  const options = { cause: err };
  if (err instanceof KubeNotFoundError) return { error: new NotFoundError(), severity: 'client' };
  if (err instanceof KubeConflictError) {
    const detail =
      err.kind === 'already-exists'
        ? 'The object already exists.'
        : 'The object was changed at the same time by someone else; try again.';
    return { error: new ConflictError(detail), severity: 'client' };
  }
  if (err instanceof KubeInvalidError) {
    const errors = err.causes.flatMap((c) => (c.field ? [{ field: c.field, message: c.message }] : []));
    return {
      error: new ValidationError(errors, 'The cluster rejected the object as invalid.'),
      severity: 'client',
    };
  }
  if (err instanceof KubeUnavailableError || err.kind === 'gone') {
    // `gone`: a list cursor or resourceVersion expired; a retry starts afresh.
    const seconds = err instanceof KubeUnavailableError ? err.retryAfterSeconds : undefined;
    return {
      error: new ServiceUnavailableError('The cluster API is unavailable or overloaded; try again shortly.', {
        ...options,
        headers: { 'Retry-After': retryAfter(seconds) },
      }),
      severity: 'upstream',
    };
  }
  if (err instanceof KubeForbiddenError) {
    // Our service account lacks a permission: nothing the caller did, nothing a retry fixes.
    return {
      error: new BadGatewayError(
        'The cluster refused a request Turing made on your behalf; an administrator should check ' +
          "hub-proxy's permissions.",
        options,
      ),
      severity: 'misconfigured',
    };
  }
  // bad-request, unknown: we sent something the API server cannot take (a bug) or it answered oddly.
  return { error: new InternalServerError(options), severity: 'bug' };
}

/** body-parser errors carry a `type` tag; map the ones clients can cause. */
function fromBodyParser(err: unknown): HttpError | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err)) return undefined;
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
  return undefined;
}
