/**
 * Transport-neutral errors. Services, runtimes and stores throw these; they
 * know nothing of HTTP. The one error middleware (`http/problem.ts`) maps
 * each kind to a problem+json status, so the mapping lives in one place.
 */

/** The kinds a caller can act on; each maps to exactly one HTTP status. */
export type DomainErrorKind =
  | 'invalid-input'
  | 'not-found'
  | 'conflict'
  | 'precondition-required'
  | 'forbidden'
  | 'unprocessable'
  | 'too-large'
  | 'quota-exceeded'
  | 'unavailable'
  | 'unauthenticated'
  | 'upstream-failed';

/** One invalid input field, named by its path (`body.schedule.cron`, `query.limit`). */
export interface FieldError {
  field: string;
  message: string;
}

/** Options every {@link DomainError} takes. */
export interface DomainErrorOptions {
  cause?: unknown;
  /**
   * A stable, finer reason within the kind (`gpu-quota-exceeded`), for
   * clients that branch on it; the problem `type` is built from it.
   */
  code?: string;
  /** A short summary of that reason (`GPU Quota Exceeded`); only with `code`. */
  title?: string;
}

/** Base class; `kind` discriminates, `message` is safe to show to the caller. */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  readonly code: string | undefined;
  readonly title: string | undefined;
  constructor(message: string, options?: DomainErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options?.code;
    this.title = options?.title;
  }
}

/** The input is wrong; `errors` names each bad field (may be empty for whole-request problems). */
export class InvalidInput extends DomainError {
  readonly kind = 'invalid-input';
  constructor(
    readonly errors: FieldError[],
    message = 'The request has invalid fields.',
    options?: DomainErrorOptions,
  ) {
    super(message, options);
  }
}

/** No such object, or one the caller may not know about. */
export class NotFound extends DomainError {
  readonly kind = 'not-found';
  constructor(message = 'Not found.', options?: DomainErrorOptions) {
    super(message, options);
  }
}

/** The request conflicts with the current state: name taken, stale version, lost race. */
export class Conflict extends DomainError {
  readonly kind = 'conflict';
  constructor(message = 'The request conflicts with the current state.', options?: DomainErrorOptions) {
    super(message, options);
  }
}

/**
 * A compare-and-swap write lost: the stored document is no longer at the
 * version the caller read. `currentVersion` lets the caller reload and retry.
 */
export class VersionConflict extends Conflict {
  constructor(
    readonly currentVersion: string,
    message = `The document changed since it was read; its current version is ${currentVersion}.`,
    options?: DomainErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A write to a versioned document did not say which version it is based on
 * (HTTP: no `If-Match`), so it could silently overwrite someone's edit.
 */
export class PreconditionRequired extends DomainError {
  readonly kind = 'precondition-required';
  constructor(
    message = 'Send the version you are changing in the If-Match header (the ETag of your last read).',
    options?: DomainErrorOptions,
  ) {
    super(message, options);
  }
}

/** The caller is known but may not do this. */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
  constructor(message = 'You are not allowed to do this.', options?: DomainErrorOptions) {
    super(message, options);
  }
}

/**
 * The request is well-formed but its content cannot be used (files that are
 * not a model); `errors` names what was expected.
 */
export class Unprocessable extends DomainError {
  readonly kind = 'unprocessable';
  constructor(
    readonly errors: FieldError[],
    message = 'The content cannot be processed.',
    options?: DomainErrorOptions,
  ) {
    super(message, options);
  }
}

/** A body or stored object is over a size limit. */
export class TooLarge extends DomainError {
  readonly kind = 'too-large';
  constructor(message = 'The content is too large.', options?: DomainErrorOptions) {
    super(message, options);
  }
}

/** Options of {@link QuotaExceeded} beyond every domain error's. */
export interface QuotaExceededOptions extends DomainErrorOptions {
  /**
   * How final the refusal is: `temporary` (the default; 429, waiting frees
   * some, e.g. a run finishing) or `permanent` (403: only the caller's own
   * action or a raised quota helps, e.g. GPUs or stored bytes).
   */
  persistence?: 'temporary' | 'permanent';
}

/** A quota would be exceeded: names the quota, its limit and the current use. */
export class QuotaExceeded extends DomainError {
  readonly kind = 'quota-exceeded';
  readonly persistence: 'temporary' | 'permanent';
  constructor(
    readonly quota: string,
    readonly limit: number,
    readonly used: number,
    message = `Quota ${quota} exceeded: ${used} in use of ${limit}.`,
    /** For rate limits: seconds until a retry can succeed (sent as `Retry-After`). */
    readonly retryAfterSeconds?: number,
    options?: QuotaExceededOptions,
  ) {
    super(message, options);
    this.persistence = options?.persistence ?? 'temporary';
  }
}

/** A dependency (the Kubernetes API, the hub) is down or overloaded; the caller may retry. */
export class Unavailable extends DomainError {
  readonly kind = 'unavailable';
  constructor(
    message = 'A service Turing depends on is unavailable; try again shortly.',
    /** Seconds the caller should wait before retrying. */
    readonly retryAfterSeconds = 5,
    options?: DomainErrorOptions,
  ) {
    super(message, options);
  }
}

/** The caller did not prove who they are (no credentials, or ones that are invalid or expired). */
export class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated';
  constructor(message = 'Authentication is required.', options?: DomainErrorOptions) {
    super(message, options);
  }
}

/**
 * A dependency answered, but badly (an object store error, a hub refusing a
 * request we made correctly): retrying will not help until it is fixed.
 * The message must not repeat the dependency's own words to the caller.
 */
export class UpstreamFailed extends DomainError {
  readonly kind = 'upstream-failed';
  constructor(message = 'A service Turing depends on failed.', options?: DomainErrorOptions) {
    super(message, options);
  }
}

/** True for any {@link DomainError}. */
export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
