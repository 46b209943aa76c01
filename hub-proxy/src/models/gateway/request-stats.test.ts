import { describe, expect, it } from 'vitest';
import { RequestStats } from './request-stats.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0); // on a 10 s boundary

describe('RequestStats', () => {
  it('reports sixty completed ten-second buckets, oldest first, zero where quiet', () => {
    const stats = new RequestStats();
    const points = stats.points(T0 + 5_000);
    expect(points).toHaveLength(60);
    expect(points[0]?.at).toBe(new Date(T0 - 600_000).toISOString());
    expect(points[59]?.at).toBe(new Date(T0 - 10_000).toISOString());
    expect(points.every((p) => p.requestsPerSecond === 0 && p.p95Ms === null && p.errors === 0)).toBe(true);
  });

  it('turns a bucket into a rate, a p95 within one bin and a count of 5xx answers', () => {
    const stats = new RequestStats();
    for (let i = 0; i < 95; i++) stats.record(T0 + 1000, 2, false);
    for (let i = 0; i < 5; i++) stats.record(T0 + 2000, 100, true);
    // 100 calls in 10 s; 95 % of them took 2 ms, so p95 is the bin holding 2 ms (within 25 %).
    const last = stats.points(T0 + 10_000).at(-1);
    expect(last?.at).toBe(new Date(T0).toISOString());
    expect(last?.requestsPerSecond).toBe(10);
    expect(last?.errors).toBe(5);
    expect(last?.p95Ms).toBeGreaterThanOrEqual(2);
    expect(last?.p95Ms).toBeLessThan(2.5);
    // One more slow call pushes the 95th percentile into the slow bin.
    stats.record(T0 + 3000, 100, false);
    const p95 = stats.points(T0 + 10_000).at(-1)?.p95Ms ?? 0;
    expect(p95).toBeGreaterThanOrEqual(100);
    expect(p95).toBeLessThan(125);
  });

  it('does not report the bucket still filling, and forgets buckets older than ten minutes', () => {
    const stats = new RequestStats();
    stats.record(T0, 1, false);
    expect(stats.points(T0 + 9_999).some((p) => p.requestsPerSecond > 0)).toBe(false);
    expect(stats.points(T0 + 10_000).at(-1)?.requestsPerSecond).toBe(0.1);
    expect(stats.points(T0 + 600_000)[0]?.requestsPerSecond).toBe(0.1);
    expect(stats.points(T0 + 610_000).some((p) => p.requestsPerSecond > 0)).toBe(false);
    // The slot is reused for a new bucket and starts from zero.
    stats.record(T0 + 610_000, 1, false);
    expect(stats.points(T0 + 620_000).filter((p) => p.requestsPerSecond > 0)).toHaveLength(1);
  });

  it('puts very fast and very slow calls in the first and last bins', () => {
    const stats = new RequestStats();
    stats.record(T0, 0.01, false);
    expect(stats.points(T0 + 10_000).at(-1)?.p95Ms).toBe(0.25);
    stats.record(T0 + 10_000, 10_000_000, false);
    // The last bin starts below ten minutes and holds everything slower.
    expect(stats.points(T0 + 20_000).at(-1)?.p95Ms).toBeGreaterThan(400_000);
  });

  describe('summary of the last minute', () => {
    it('answers zeros and no percentiles for a model without calls', () => {
      expect(new RequestStats().summary(T0 + 5_000)).toEqual({
        requests: 0,
        requestsPerSecond: 0,
        p50Ms: null,
        p95Ms: null,
        errorRate: 0,
      });
    });

    it('counts the bucket still filling, so a call shows at once', () => {
      const stats = new RequestStats();
      stats.record(T0 + 1_000, 3, false);
      const summary = stats.summary(T0 + 2_000);
      expect(summary.requests).toBe(1);
      expect(summary.p50Ms).toBeGreaterThanOrEqual(3);
      expect(summary.p50Ms).toBeLessThan(3.75);
    });

    it('merges the buckets of the window into a rate, p50, p95 and error rate', () => {
      const stats = new RequestStats();
      // One call a second: 40 fast, 18 slower, 2 failed slow ones.
      for (let i = 0; i < 40; i++) stats.record(T0 + i * 1_000, 2, false);
      for (let i = 0; i < 18; i++) stats.record(T0 + 40_000 + i * 1_000, 50, false);
      for (let i = 0; i < 2; i++) stats.record(T0 + 58_000 + i * 1_000, 400, true);
      const summary = stats.summary(T0 + 60_000);
      // At T0 + 60 s the window holds the buckets from T0 + 10 s: 50 s and 50 calls (30 fast),
      // so the 48th call (p95) is a slower one.
      expect(summary.requests).toBe(50);
      expect(summary.requestsPerSecond).toBe(1);
      expect(summary.p50Ms).toBeGreaterThanOrEqual(2);
      expect(summary.p50Ms).toBeLessThan(2.5);
      expect(summary.p95Ms).toBeGreaterThanOrEqual(50);
      expect(summary.p95Ms).toBeLessThan(62.5);
      expect(summary.errorRate).toBe(0.04);
    });

    it('forgets calls older than the window', () => {
      const stats = new RequestStats();
      stats.record(T0, 1, true);
      expect(stats.summary(T0 + 59_000).requests).toBe(1);
      expect(stats.summary(T0 + 60_000)).toMatchObject({ requests: 0, errorRate: 0, p95Ms: null });
      // Ten minutes later the slot holds a new bucket; the old count must not come back.
      stats.record(T0 + 610_000, 1, false);
      expect(stats.summary(T0 + 611_000)).toMatchObject({ requests: 1, errorRate: 0 });
    });
  });
});
