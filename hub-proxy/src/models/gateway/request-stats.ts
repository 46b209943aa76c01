/**
 * Recent traffic of one model for the panel's sparklines (request rate,
 * p95 latency and errors over the last ten minutes in ten-second buckets)
 * and the admin page's last-minute summary.
 * Prometheus holds the real history; this answers without one. Latencies
 * go into log-spaced bins (each 25 % wider than the last), so a bucket
 * costs a fixed few hundred bytes and its p95 is within one bin.
 */

/** One sparkline point. */
export interface StatsPoint {
  /** Start of the bucket (ISO). */
  at: string;
  requestsPerSecond: number;
  /** Upper edge of the latency bin holding the 95th percentile; null without requests. */
  p95Ms: number | null;
  /** Calls answered with a 5xx status, the gateway's own included. */
  errors: number;
}

/** One model's traffic over a recent window (the admin models page). */
export interface WindowSummary {
  /** Calls that finished within the window. */
  requests: number;
  requestsPerSecond: number;
  /** Upper edges of the latency bins holding the median and the 95th percentile; null without requests. */
  p50Ms: number | null;
  p95Ms: number | null;
  /** Share of the calls answered with a 5xx status (0 to 1); 0 without requests. */
  errorRate: number;
}

const FIRST_EDGE_MS = 0.25;
const GROWTH = 1.25;
/** Edges up to about ten minutes; slower calls land in the last bin. */
const EDGES_MS: number[] = [];
for (let edge = FIRST_EDGE_MS; edge < 600_000; edge *= GROWTH) EDGES_MS.push(edge);

/** Index of the first bin whose upper edge is at least `ms`. */
function binOf(ms: number): number {
  if (ms <= FIRST_EDGE_MS) return 0;
  const bin = Math.ceil(Math.log(ms / FIRST_EDGE_MS) / Math.log(GROWTH) - 1e-9);
  return Math.min(bin, EDGES_MS.length - 1);
}

interface Bucket {
  /** Which bucket of time this slot holds now (`floor(ms / bucketMs)`); -1 when unused. */
  index: number;
  count: number;
  errors: number;
  bins: Uint32Array;
}

/** A ring of time buckets for one model. */
export class RequestStats {
  private readonly ring: Bucket[];

  constructor(
    private readonly bucketMs = 10_000,
    private readonly buckets = 60,
  ) {
    // One more slot than reported, for the bucket still filling.
    this.ring = Array.from({ length: buckets + 1 }, () => ({
      index: -1,
      count: 0,
      errors: 0,
      bins: new Uint32Array(EDGES_MS.length),
    }));
  }

  /** Records one finished call at `nowMs`. */
  record(nowMs: number, durationMs: number, error: boolean): void {
    const index = Math.floor(nowMs / this.bucketMs);
    const bucket = this.ring[index % this.ring.length] as Bucket;
    if (bucket.index !== index) {
      bucket.index = index;
      bucket.count = 0;
      bucket.errors = 0;
      bucket.bins.fill(0);
    }
    bucket.count += 1;
    if (error) bucket.errors += 1;
    const bin = binOf(durationMs);
    bucket.bins[bin] = (bucket.bins[bin] as number) + 1;
  }

  /** The completed buckets before `nowMs`, oldest first; empty buckets count zero. */
  points(nowMs: number): StatsPoint[] {
    const current = Math.floor(nowMs / this.bucketMs);
    const points: StatsPoint[] = [];
    for (let index = current - this.buckets; index < current; index++) {
      const bucket = this.ring[index % this.ring.length] as Bucket;
      const live = bucket.index === index;
      points.push({
        at: new Date(index * this.bucketMs).toISOString(),
        requestsPerSecond: live ? bucket.count / (this.bucketMs / 1000) : 0,
        p95Ms: live && bucket.count > 0 ? percentileMs(bucket, 0.95) : null,
        errors: live ? bucket.errors : 0,
      });
    }
    return points;
  }

  /**
   * The calls of the last `windowMs` before `nowMs`, the bucket still
   * filling included (so a call shows at once). The window is rounded to
   * whole buckets: it starts at the first bucket that begins inside it, and
   * the rate divides by the time from that start to `nowMs`.
   */
  summary(nowMs: number, windowMs = 60_000): WindowSummary {
    const current = Math.floor(nowMs / this.bucketMs);
    const first = Math.max(current - this.buckets, Math.floor((nowMs - windowMs) / this.bucketMs) + 1);
    const merged: Bucket = { index: 0, count: 0, errors: 0, bins: new Uint32Array(EDGES_MS.length) };
    for (let index = first; index <= current; index++) {
      const bucket = this.ring[index % this.ring.length] as Bucket;
      if (bucket.index !== index) continue;
      merged.count += bucket.count;
      merged.errors += bucket.errors;
      for (let bin = 0; bin < bucket.bins.length; bin++) {
        merged.bins[bin] = (merged.bins[bin] as number) + (bucket.bins[bin] as number);
      }
    }
    const seconds = Math.max(1, nowMs - first * this.bucketMs) / 1000;
    const empty = merged.count === 0;
    return {
      requests: merged.count,
      requestsPerSecond: Math.round((merged.count / seconds) * 1000) / 1000,
      p50Ms: empty ? null : percentileMs(merged, 0.5),
      p95Ms: empty ? null : percentileMs(merged, 0.95),
      errorRate: empty ? 0 : Math.round((merged.errors / merged.count) * 10_000) / 10_000,
    };
  }
}

/** Upper edge of the bin where the cumulative count reaches `q` of the bucket. */
function percentileMs(bucket: Bucket, q: number): number {
  const rank = Math.ceil(q * bucket.count);
  let seen = 0;
  for (let bin = 0; bin < bucket.bins.length; bin++) {
    seen += bucket.bins[bin] as number;
    if (seen >= rank) return Math.round((EDGES_MS[bin] as number) * 1000) / 1000;
  }
  return EDGES_MS[EDGES_MS.length - 1] as number;
}
