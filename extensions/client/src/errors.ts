import type { FieldError, ProblemDetails } from './types';

/** Options of {@link TuringApiError}. */
export interface TuringApiErrorOptions {
  status: number;
  title: string;
  detail?: string;
  errors?: FieldError[];
  type?: string;
  requestId?: string;
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

  constructor(options: TuringApiErrorOptions) {
    super(options.detail ? `${options.title}: ${options.detail}` : options.title);
    this.name = 'TuringApiError';
    this.status = options.status;
    this.title = options.title;
    this.detail = options.detail;
    this.errors = options.errors ?? [];
    this.type = options.type;
    this.requestId = options.requestId;
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
 * Turns a parsed error body into a {@link TuringApiError}, tolerating bodies
 * that are not problem+json (then the HTTP status text is the title).
 */
export function errorFromProblem(status: number, statusText: string, body: unknown): TuringApiError {
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
    return description;
  }
  if (error instanceof Error) {
    return { title: error.message || error.name, fields: [] };
  }
  return { title: String(error), fields: [] };
}
