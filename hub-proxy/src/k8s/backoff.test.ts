import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF_POLICY, ExponentialBackoff, backoffDelay, type BackoffPolicy } from './backoff.js';

const noJitter: BackoffPolicy = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0 };

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, noJitter))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
  });

  it('never overflows for huge attempt counts', () => {
    expect(backoffDelay(10_000, noJitter)).toBe(1000);
  });

  it('jitter only shortens the delay, by at most the jitter share', () => {
    const policy = { ...noJitter, jitter: 0.5 };
    expect(backoffDelay(3, policy, () => 0)).toBe(800);
    expect(backoffDelay(3, policy, () => 0.999999)).toBe(400);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(600);
  });

  it('defaults cap at 10 s', () => {
    expect(backoffDelay(100, DEFAULT_BACKOFF_POLICY, () => 0)).toBe(10_000);
  });
});

describe('ExponentialBackoff', () => {
  it('grows with consecutive failures', () => {
    const backoff = new ExponentialBackoff(noJitter, 5000, () => 0);
    expect([backoff.failed(), backoff.failed(), backoff.failed()]).toEqual([100, 200, 400]);
    expect(backoff.failures).toBe(3);
  });

  it('resets after a success that lasted resetAfterMs', () => {
    let now = 0;
    const backoff = new ExponentialBackoff(noJitter, 5000, () => now);
    backoff.failed();
    backoff.failed();
    backoff.succeeded();
    now += 5000;
    expect(backoff.failed()).toBe(100);
  });

  it('keeps growing when each success fails again at once', () => {
    let now = 0;
    const backoff = new ExponentialBackoff(noJitter, 5000, () => now);
    expect(backoff.failed()).toBe(100);
    backoff.succeeded();
    now += 10;
    expect(backoff.failed()).toBe(200);
    backoff.succeeded();
    now += 10;
    expect(backoff.failed()).toBe(400);
  });
});
