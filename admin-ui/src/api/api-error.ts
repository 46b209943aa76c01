import { TuringApiError, errorFromProblem } from '@turing/client/lib/errors';

/** A problem+json answer, with the members the admin API adds. */
export class AdminApiError extends TuringApiError {
  /** The whole problem body (e.g. `currentVersion` of a 409, `quota`, `limit`, `used`). */
  readonly problem: Record<string, unknown>;

  constructor(base: TuringApiError, problem: Record<string, unknown>) {
    super({
      status: base.status,
      title: base.title,
      detail: base.detail,
      errors: base.errors,
      type: base.type,
      requestId: base.requestId,
    });
    this.name = 'AdminApiError';
    this.problem = problem;
  }

  /** The catalog or quotas changed since the page loaded them (409 on a versioned write). */
  get isStaleWrite(): boolean {
    return (
      this.status === 409 &&
      (typeof this.problem.currentVersion === 'string' || /changed since/i.test(this.detail ?? ''))
    );
  }
}

/** The error of an error answer: title, detail and field errors from its problem+json body. */
export function adminErrorFromProblem(status: number, statusText: string, body: unknown): AdminApiError {
  const problem = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return new AdminApiError(errorFromProblem(status, statusText, body), problem);
}

/** True for an {@link AdminApiError} that is a stale versioned write. */
export function isStaleWrite(error: unknown): boolean {
  return error instanceof AdminApiError && error.isStaleWrite;
}
