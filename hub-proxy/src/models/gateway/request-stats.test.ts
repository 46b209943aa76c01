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
});
