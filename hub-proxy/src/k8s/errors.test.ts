import { ApiException } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  KubeConflictError,
  KubeForbiddenError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnavailableError,
  AUTHORIZER_WARMUP_MS,
  isKubeError,
  resetApiServerReachability,
  toKubeError,
} from './errors.js';

function apiException(
  code: number,
  status: object,
  headers: Record<string, string> = {},
): ApiException<string> {
  return new ApiException(code, 'Unsuccessful HTTP Request', JSON.stringify(status), headers);
}

describe('toKubeError', () => {
  beforeEach(() => resetApiServerReachability());

  it('treats a 403 soon after the API server was unreachable as unavailable, and a later one as forbidden', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const forbidden = () =>
      apiException(403, { kind: 'Status', reason: 'Forbidden', message: 'jobs.batch is forbidden' });
    expect(toKubeError(forbidden(), 1_000)).toBeInstanceOf(KubeForbiddenError);
    expect(toKubeError(refused, 10_000).kind).toBe('unavailable');
    const warming = toKubeError(forbidden(), 10_000 + AUTHORIZER_WARMUP_MS - 1);
    expect(warming).toBeInstanceOf(KubeUnavailableError);
    expect((warming as KubeUnavailableError).retryAfterSeconds).toBe(1);
    expect(warming.message).toMatch(/jobs\.batch is forbidden .*authorizer may still be starting/);
    expect(toKubeError(forbidden(), 10_000 + AUTHORIZER_WARMUP_MS)).toBeInstanceOf(KubeForbiddenError);
  });

  it('does not let a 429 mark the API server unreachable', () => {
    toKubeError(apiException(429, { kind: 'Status', message: 'slow down' }), 5_000);
    expect(toKubeError(apiException(403, { kind: 'Status', message: 'no' }), 5_001)).toBeInstanceOf(
      KubeForbiddenError,
    );
  });

  it('maps 404 with the Status message and target', () => {
    const err = toKubeError(
      apiException(404, {
        kind: 'Status',
        message: 'configmaps "x" not found',
        reason: 'NotFound',
        details: { name: 'x', kind: 'configmaps' },
      }),
    );
    expect(err).toBeInstanceOf(KubeNotFoundError);
    expect(err).toMatchObject({ kind: 'not-found', status: 404, message: 'configmaps "x" not found' });
    expect(err.target).toEqual({ name: 'x', kind: 'configmaps' });
  });

  it('tells AlreadyExists from a resourceVersion conflict', () => {
    expect(toKubeError(apiException(409, { reason: 'AlreadyExists' }))).toMatchObject({
      kind: 'already-exists',
    });
    const conflict = toKubeError(
      apiException(409, { reason: 'Conflict', message: 'the object has been modified' }),
    );
    expect(conflict).toBeInstanceOf(KubeConflictError);
    expect(conflict.kind).toBe('conflict');
  });

  it('keeps the causes of a 422', () => {
    const err = toKubeError(
      apiException(422, {
        reason: 'Invalid',
        message: 'ConfigMap "Bad" is invalid',
        details: {
          causes: [{ field: 'metadata.name', reason: 'FieldValueInvalid', message: 'must be lowercase' }],
        },
      }),
    );
    expect(err).toBeInstanceOf(KubeInvalidError);
    expect((err as KubeInvalidError).causes).toEqual([
      { field: 'metadata.name', reason: 'FieldValueInvalid', message: 'must be lowercase' },
    ]);
  });

  it('maps 403, 429 with Retry-After, 503 and 504', () => {
    expect(toKubeError(apiException(403, {}))).toBeInstanceOf(KubeForbiddenError);
    const throttled = toKubeError(apiException(429, {}, { 'retry-after': '3' }));
    expect(throttled).toMatchObject({ kind: 'too-many-requests', retryAfterSeconds: 3 });
    expect(toKubeError(apiException(503, {}))).toMatchObject({ kind: 'unavailable' });
    expect(toKubeError(apiException(504, {}))).toMatchObject({ kind: 'timeout' });
  });

  it('maps network failures and watch errors without a Status body', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    expect(toKubeError(refused)).toBeInstanceOf(KubeUnavailableError);
    expect(toKubeError(refused)).toMatchObject({ kind: 'unavailable', status: 0 });
    const fetchError = Object.assign(new Error('request failed'), { errno: 'ECONNRESET', code: undefined });
    expect(toKubeError(fetchError).kind).toBe('unavailable');
    expect(toKubeError(Object.assign(new Error('Gone'), { statusCode: 410 })).kind).toBe('gone');
    expect(toKubeError(Object.assign(new Error('aborted'), { name: 'AbortError' })).kind).toBe('timeout');
    expect(toKubeError('weird').kind).toBe('unknown');
  });

  it('does not choke on a non-JSON body', () => {
    const err = toKubeError(new ApiException(500, 'x', '<html>oops</html>', {}));
    expect(err).toMatchObject({ kind: 'unavailable', status: 500 });
  });

  it('isKubeError checks kinds of anything thrown', () => {
    expect(isKubeError(apiException(404, {}), 'not-found')).toBe(true);
    expect(isKubeError(apiException(409, { reason: 'Conflict' }), 'already-exists', 'conflict')).toBe(true);
    expect(isKubeError(new Error('x'), 'not-found')).toBe(false);
  });
});
