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
  | 'forbidden'
  | 'too-large'
  | 'quota-exceeded'
  | 'unavailable';

/** One invalid input field, named by its path (`body.schedule.cron`, `query.limit`). */
export interface FieldError {
  field: string;
  message: string;
}

/** Base class; `kind` discriminates, `message` is safe to show to the caller. */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** The input is wrong; `errors` names each bad field (may be empty for whole-request problems). */
export class InvalidInput extends DomainError {
  readonly kind = 'invalid-input';
  constructor(
    readonly errors: FieldError[],
    message = 'The request has invalid fields.',
  ) {
    super(message);
  }
}

/** No such object, or one the caller may not know about. */
export class NotFound extends DomainError {
  readonly kind = 'not-found';
  constructor(message = 'Not found.') {
    super(message);
  }
}

/** The request conflicts with the current state: name taken, stale version, lost race. */
export class Conflict extends DomainError {
  readonly kind = 'conflict';
  constructor(message = 'The request conflicts with the current state.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The caller is known but may not do this. */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

/** A body or stored object is over a size limit. */
export class TooLarge extends DomainError {
  readonly kind = 'too-large';
  constructor(message = 'The content is too large.') {
    super(message);
  }
}

/** A quota would be exceeded: names the quota, its limit and the current use. */
export class QuotaExceeded extends DomainError {
  readonly kind = 'quota-exceeded';
  constructor(
    readonly quota: string,
    readonly limit: number,
    readonly used: number,
    message = `Quota ${quota} exceeded: ${used} in use of ${limit}.`,
  ) {
    super(message);
  }
}

/** A dependency (the Kubernetes API, the hub) is down or overloaded; the caller may retry. */
export class Unavailable extends DomainError {
  readonly kind = 'unavailable';
  constructor(
    message = 'A service Turing depends on is unavailable; try again shortly.',
    /** Seconds the caller should wait before retrying. */
    readonly retryAfterSeconds = 5,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for any {@link DomainError}. */
export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
