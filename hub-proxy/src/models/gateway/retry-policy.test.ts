import { describe, expect, it } from 'vitest';
import { isReadMethod, mayRetrySameBackend, shouldRetry } from './retry-policy.js';
import type { UpstreamFailureKind } from './transport.js';

const failure = (kind: UpstreamFailureKind, reusedSocket = false) => ({ kind, reusedSocket });

describe('shouldRetry', () => {
  it('retries a connection that never came up, whatever the call', () => {
    for (const kind of ['connect-refused', 'connect-timeout'] as const) {
      expect(shouldRetry({ failure: failure(kind), attempts: 1, replayable: false })).toBe(true);
    }
  });

  it('retries a reset of a reused keep-alive connection even for a call that may not be replayed', () => {
    expect(shouldRetry({ failure: failure('reset', true), attempts: 1, replayable: false })).toBe(true);
  });

  it('retries a reset of a fresh connection only for a replayable call', () => {
    expect(shouldRetry({ failure: failure('reset', false), attempts: 1, replayable: true })).toBe(true);
    expect(shouldRetry({ failure: failure('reset', false), attempts: 1, replayable: false })).toBe(false);
  });

  it('never retries a backend that spoke something other than HTTP', () => {
    expect(shouldRetry({ failure: failure('protocol', true), attempts: 1, replayable: true })).toBe(false);
  });

  it('retries once at most', () => {
    expect(shouldRetry({ failure: failure('connect-refused'), attempts: 2, replayable: true })).toBe(false);
  });
});

describe('mayRetrySameBackend', () => {
  it('allows the same backend only after a stale keep-alive connection', () => {
    expect(mayRetrySameBackend(failure('reset', true))).toBe(true);
    expect(mayRetrySameBackend(failure('reset', false))).toBe(false);
    expect(mayRetrySameBackend(failure('connect-refused', true))).toBe(false);
  });
});

describe('isReadMethod', () => {
  it('names GET and HEAD', () => {
    expect(['GET', 'HEAD', 'POST', 'PUT'].map(isReadMethod)).toEqual([true, true, false, false]);
  });
});
