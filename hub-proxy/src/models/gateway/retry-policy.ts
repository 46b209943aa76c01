/**
 * When the gateway sends a failed call again, once, to another backend.
 *
 * The request body is buffered, so a retry sends exactly the same bytes.
 * A call is retried only when no byte of a response has arrived (after
 * that the client has part of an answer) and:
 *
 * - the connection failed (refused, unreachable, connect timeout): the
 *   request was never delivered, whatever its method;
 * - the connection was reset or closed before a response, and either the
 *   connection was a reused keep-alive one (the classic race: the backend
 *   closed an idle connection as the request went out, so it never read it)
 *   or the call may be replayed. Every call the gateway passes is
 *   replayable: status, metadata and readiness are reads, and predict,
 *   classify, regress and infer compute an answer without changing the
 *   server (the V2 repository calls that do, `load` and `unload`, are not
 *   served). A backend killed mid-request therefore costs its callers no
 *   errors. The price: a request that crashes its backend (a "query of
 *   death") crashes a second one, and no more, since there is one retry.
 *
 * Never retried: a response timeout (a slow model stays slow, and a second
 * try doubles its load) and a backend that answers something not HTTP.
 */
import type { UpstreamFailure } from './transport.js';

/** What {@link shouldRetry} decides on. */
export interface RetryContext {
  failure: Pick<UpstreamFailure, 'kind' | 'reusedSocket'>;
  /** Attempts made so far, the failed one included. */
  attempts: number;
  /** The call may be sent twice without changing anything (reads and inference). */
  replayable: boolean;
}

/** Attempts per call: the first and one retry. */
export const MAX_ATTEMPTS = 2;

/** True when a call that failed with `failure` should be sent again. */
export function shouldRetry({ failure, attempts, replayable }: RetryContext): boolean {
  if (attempts >= MAX_ATTEMPTS) return false;
  switch (failure.kind) {
    case 'connect-refused':
    case 'connect-timeout':
      return true;
    case 'reset':
      return failure.reusedSocket || replayable;
    case 'protocol':
      return false;
  }
}

/**
 * True when a retry may go to the backend that just failed, when no other
 * serves the version: only after a reset of a reused connection, which says
 * nothing about the backend; a fresh connection will probably work.
 */
export function mayRetrySameBackend(failure: Pick<UpstreamFailure, 'kind' | 'reusedSocket'>): boolean {
  return failure.kind === 'reset' && failure.reusedSocket;
}

/** True for methods that only read. */
export function isReadMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}
