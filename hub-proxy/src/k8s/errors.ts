import { ApiException } from '@kubernetes/client-node';

/** What went wrong talking to the Kubernetes API, independent of any HTTP layer above. */
export type KubeErrorKind =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'already-exists'
  | 'gone'
  | 'invalid'
  | 'too-many-requests'
  | 'unavailable'
  | 'timeout'
  | 'unknown';

/** One reason the API server gave for rejecting an object (`status.details.causes[]`). */
export interface KubeErrorCause {
  /** JSON path of the offending field, e.g. `spec.containers[0].image`. */
  field?: string;
  /** Machine-readable reason, e.g. `FieldValueRequired`. */
  reason?: string;
  message: string;
}

/** The `metav1.Status` object the API server sends with an error. */
interface KubeStatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    causes?: Array<{ field?: string; reason?: string; message?: string }>;
  };
}

/**
 * A failed Kubernetes API call. `kind` discriminates; `status` is the API
 * server's HTTP status (0 when no response arrived). Upper layers map these
 * to problem+json without importing @kubernetes/client-node.
 */
export class KubeError extends Error {
  override readonly name: string = 'KubeError';
  /** Machine-readable reason from the API server (`AlreadyExists`, `Conflict`, ...), if any. */
  readonly reason: string | undefined;
  /** Name and kind of the object concerned, when the API server said. */
  readonly target: { name?: string; kind?: string } | undefined;

  constructor(
    readonly kind: KubeErrorKind,
    readonly status: number,
    message: string,
    options: { reason?: string; target?: { name?: string; kind?: string }; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.reason = options.reason;
    this.target = options.target;
  }
}

/** 404: the object (or its namespace, or its API) does not exist. */
export class KubeNotFoundError extends KubeError {
  override readonly name = 'KubeNotFoundError';
  declare readonly kind: 'not-found';
}

/**
 * 409: the object changed since it was read (`kind: 'conflict'`, retry with a
 * fresh resourceVersion) or it already exists (`kind: 'already-exists'`).
 */
export class KubeConflictError extends KubeError {
  override readonly name = 'KubeConflictError';
  declare readonly kind: 'conflict' | 'already-exists';
}

/** 401/403: the service account may not do this (check RBAC). */
export class KubeForbiddenError extends KubeError {
  override readonly name = 'KubeForbiddenError';
  declare readonly kind: 'forbidden' | 'unauthorized';
}

/** 422: the API server rejected the object; `causes` names each bad field. */
export class KubeInvalidError extends KubeError {
  override readonly name = 'KubeInvalidError';
  declare readonly kind: 'invalid';
  readonly causes: readonly KubeErrorCause[];

  constructor(
    status: number,
    message: string,
    causes: KubeErrorCause[],
    options: ConstructorParameters<typeof KubeError>[3] = {},
  ) {
    super('invalid', status, message, options);
    this.causes = causes;
  }
}

/**
 * The API server could not be reached or could not answer in time: network
 * errors, 429, 500, 503 (`unavailable`, `too-many-requests`) and 504 or
 * client-side timeouts (`timeout`). Worth retrying with backoff.
 */
export class KubeUnavailableError extends KubeError {
  override readonly name = 'KubeUnavailableError';
  declare readonly kind: 'unavailable' | 'timeout' | 'too-many-requests';
  /** Seconds the API server asked us to wait (`Retry-After`), if it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    kind: 'unavailable' | 'timeout' | 'too-many-requests',
    status: number,
    message: string,
    options: ConstructorParameters<typeof KubeError>[3] & { retryAfterSeconds?: number } = {},
  ) {
    super(kind, status, message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

// Node's network error codes that mean "no answer from the API server".
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function parseStatusBody(body: unknown): KubeStatusBody | undefined {
  if (typeof body === 'string') {
    try {
      return parseStatusBody(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  if (body && typeof body === 'object') return body as KubeStatusBody;
  return undefined;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const value =
    (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/** Node and node-fetch put the socket error code on the error or on its cause. */
function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, errno } = e as { code?: unknown; errno?: unknown };
    if (typeof code === 'string') return code;
    if (typeof errno === 'string') return errno;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function fromStatus(
  status: number,
  body: KubeStatusBody | undefined,
  headers: unknown,
  cause: unknown,
): KubeError {
  const message = body?.message ?? `Kubernetes API answered HTTP ${status}`;
  const options = {
    reason: body?.reason,
    target: body?.details ? { name: body.details.name, kind: body.details.kind } : undefined,
    cause,
  };
  switch (status) {
    case 400:
      return new KubeError('bad-request', status, message, options);
    case 401:
      return new KubeForbiddenError('unauthorized', status, message, options);
    case 403:
      return new KubeForbiddenError('forbidden', status, message, options);
    case 404:
      return new KubeNotFoundError('not-found', status, message, options);
    case 409:
      return new KubeConflictError(
        body?.reason === 'AlreadyExists' ? 'already-exists' : 'conflict',
        status,
        message,
        options,
      );
    case 410:
      return new KubeError('gone', status, message, options);
    case 422: {
      const causes = (body?.details?.causes ?? []).map((c) => ({
        field: c.field,
        reason: c.reason,
        message: c.message ?? c.reason ?? 'invalid',
      }));
      return new KubeInvalidError(status, message, causes, options);
    }
    case 429: {
      const retryAfter = Number(headerValue(headers, 'retry-after'));
      return new KubeUnavailableError('too-many-requests', status, message, {
        ...options,
        retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
      });
    }
    case 408:
    case 504:
      return new KubeUnavailableError('timeout', status, message, options);
    case 500:
    case 502:
    case 503:
      return new KubeUnavailableError('unavailable', status, message, options);
    default:
      return new KubeError('unknown', status, message, options);
  }
}

/**
 * How long after the API server was last unreachable a 401/403 still counts
 * as "unavailable": a restarted kube-apiserver serves requests before its
 * RBAC caches have synced and refuses service accounts meanwhile (the admin
 * certificate skips the check), so such a refusal is worth a retry, not a
 * permanent error.
 */
export const AUTHORIZER_WARMUP_MS = 30_000;

let lastUnreachableAt = Number.NEGATIVE_INFINITY;

/** Forgets that the API server was unreachable (tests). */
export function resetApiServerReachability(): void {
  lastUnreachableAt = Number.NEGATIVE_INFINITY;
}

function noteReachability(error: KubeError, now: number): KubeError {
  if (error instanceof KubeUnavailableError && error.kind !== 'too-many-requests') {
    lastUnreachableAt = now;
    return error;
  }
  if (error instanceof KubeForbiddenError && now - lastUnreachableAt < AUTHORIZER_WARMUP_MS) {
    return new KubeUnavailableError(
      'unavailable',
      error.status,
      `${error.message} (the API server was unreachable moments ago; its authorizer may still be starting)`,
      { reason: error.reason, target: error.target, cause: error.cause, retryAfterSeconds: 1 },
    );
  }
  return error;
}

/**
 * Turns whatever a client-node call threw into a {@link KubeError}:
 * `ApiException` (with the API server's Status body), the plain errors the
 * watch code throws (`statusCode`), and network or abort errors.
 * A value that is already a KubeError is returned unchanged. A 401/403
 * within {@link AUTHORIZER_WARMUP_MS} of an unreachable API server is
 * `unavailable` (with `Retry-After: 1`).
 */
export function toKubeError(err: unknown, now = Date.now()): KubeError {
  if (err instanceof KubeError) return err;
  return noteReachability(translate(err), now);
}

function translate(err: unknown): KubeError {
  if (err instanceof ApiException) {
    return fromStatus(err.code, parseStatusBody(err.body), err.headers, err);
  }
  if (err && typeof err === 'object') {
    const { statusCode } = err as { statusCode?: unknown };
    if (typeof statusCode === 'number') return fromStatus(statusCode, undefined, undefined, err);
  }
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : '';
  const code = networkCode(err);
  if (name === 'AbortError' || name === 'TimeoutError' || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new KubeUnavailableError('timeout', 0, `Kubernetes API did not answer in time: ${message}`, {
      cause: err,
    });
  }
  if (
    code !== undefined &&
    (UNREACHABLE_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('UND_ERR'))
  ) {
    return new KubeUnavailableError('unavailable', 0, `Kubernetes API unreachable: ${message}`, {
      cause: err,
    });
  }
  return new KubeError('unknown', 0, message, { cause: err });
}

/** True when `err` (anything thrown by a Kubernetes call) maps to one of the given kinds. */
export function isKubeError(err: unknown, kind: KubeErrorKind, ...moreKinds: KubeErrorKind[]): boolean {
  const actual = toKubeError(err).kind;
  return actual === kind || moreKinds.includes(actual);
}
