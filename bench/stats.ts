/** Summary of a sample of durations in milliseconds. */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of an ascending sample. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** p50/p95/mean/min/max of `samples` (ms). */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    mean: sorted.length ? total / sorted.length : NaN,
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** `label  n=.. p50=.. p95=.. mean=..` with one decimal. */
export function formatSummary(label: string, s: Summary): string {
  const f = (x: number) => x.toFixed(1);
  return `${label.padEnd(44)} n=${s.n} p50=${f(s.p50)} ms p95=${f(s.p95)} ms mean=${f(s.mean)} ms (min ${f(s.min)}, max ${f(s.max)})`;
}
