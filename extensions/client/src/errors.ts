import type { FieldError, ProblemDetails } from './types';

/** Options of {@link TuringApiError}. */
export interface TuringApiErrorOptions {
  status: number;
  title: string;
  detail?: string;
  errors?: FieldError[];
  type?: string;
  requestId?: string;
  /** From the answer's `Retry-After` header, in seconds (429 and 503 send it). */
  retryAfterSeconds?: number;
}

/**
 * An error answered by hub-proxy (a problem+json body), or a failure to reach it.
 *
 * `status` is 0 when the request never got an HTTP answer (network error).
 */
export class TuringApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[];
  readonly type: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(options: TuringApiErrorOptions) {
    super(options.detail ? `${options.title}: ${options.detail}` : options.title);
    this.name = 'TuringApiError';
    this.status = options.status;
    this.title = options.title;
    this.detail = options.detail;
    this.errors = options.errors ?? [];
    this.type = options.type;
    this.requestId = options.requestId;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * The silent login could not finish: the hub answered with an HTML page (its
 * login form), so the user must log in to the hub again.
 */
export class TuringLoginRequiredError extends TuringApiError {
  /** Where the user can log in, returning to the current page. */
  readonly loginUrl: string;

  constructor(loginUrl: string) {
    super({
      status: 401,
      title: 'Login required',
      detail: 'Your JupyterHub session has ended. Log in to the hub again, then retry.',
    });
    this.name = 'TuringLoginRequiredError';
    this.loginUrl = loginUrl;
  }
}

function isFieldError(value: unknown): value is FieldError {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as Record<string, unknown>;
  return typeof v.field === 'string' && typeof v.message === 'string';
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A `Retry-After` header in whole seconds from `now`: either delay-seconds or
 * an HTTP date. `undefined` when absent or unreadable, so no hint is shown.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) {
    return undefined;
  }
  if (/^\d+$/.test(text)) {
    return Number(text);
  }
  // An HTTP date names its day and month; `Date.parse('-3')` would read a year.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Turns a parsed error body into a {@link TuringApiError}, tolerating bodies
 * that are not problem+json (then the HTTP status text is the title).
 * `headers`, when given, supply the `Retry-After` wait.
 */
export function errorFromProblem(
  status: number,
  statusText: string,
  body: unknown,
  headers?: Pick<Headers, 'get'>,
): TuringApiError {
  const problem: ProblemDetails = typeof body === 'object' && body !== null ? (body as ProblemDetails) : {};
  const title = asString(problem.title) ?? (statusText || `HTTP ${status}`);
  const errors = Array.isArray(problem.errors) ? problem.errors.filter(isFieldError) : [];
  return new TuringApiError({
    status: typeof problem.status === 'number' ? problem.status : status,
    title,
    detail: asString(problem.detail) ?? (typeof body === 'string' ? asString(body.trim()) : undefined),
    errors,
    type: asString(problem.type),
    requestId: asString(problem.requestId),
    retryAfterSeconds: parseRetryAfter(headers?.get('retry-after')),
  });
}

/** An error made readable for display: never raw JSON. */
export interface ErrorDescription {
  title: string;
  detail?: string;
  /** One line per invalid field, `field: message`. */
  fields: string[];
  /** The request id to quote in a bug report. */
  requestId?: string;
  /** How long the server asked to wait before retrying (`Retry-After`). */
  retryAfterSeconds?: number;
}

/** Describes any thrown value for display to the user. */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof TuringApiError) {
    const description: ErrorDescription = {
      title: error.title,
      fields: error.errors.map((e) => `${e.field.replace(/^(body|query|params)\./, '')}: ${e.message}`),
    };
    if (error.detail) {
      description.detail = error.detail;
    }
    if (error.requestId) {
      description.requestId = error.requestId;
    }
    if (error.retryAfterSeconds !== undefined) {
      description.retryAfterSeconds = error.retryAfterSeconds;
    }
    return description;
  }
  if (error instanceof Error) {
    return { title: error.message || error.name, fields: [] };
  }
  return { title: String(error), fields: [] };
}

/** The plural-aware part of a JupyterLab translation bundle. */
export interface PluralTranslator {
  _n(singular: string, plural: string, n: number): string;
}

/**
 * "Try again in 30 seconds." for a server's `Retry-After`, in minutes from
 * two minutes on; empty for no wait.
 */
export function retryHint(seconds: number | undefined, trans: PluralTranslator): string {
  if (seconds === undefined || seconds <= 0) {
    return '';
  }
  if (seconds < 120) {
    return trans._n('Try again in %1 second.', 'Try again in %1 seconds.', seconds);
  }
  const minutes = Math.ceil(seconds / 60);
  return trans._n('Try again in %1 minute.', 'Try again in %1 minutes.', minutes);
}

/**
 * An error in one line, for a notification: its detail (else its title),
 * then when to retry if the server said.
 */
export function errorSentence(description: ErrorDescription, trans: PluralTranslator): string {
  const hint = retryHint(description.retryAfterSeconds, trans);
  const text = description.detail ?? description.title;
  return hint ? `${text} ${hint}` : text;
}
