import type { Run, RunState } from '@turing/client';

/** How a finished run is colored in the duration chart. */
export type Outcome = 'success' | 'failure' | 'timeout' | 'cancelled';

/** One bar of the duration chart, in SVG user units. */
export interface DurationBar {
  run: Run;
  outcome: Outcome;
  /** Seconds the run took. */
  seconds: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The laid-out chart. */
export interface DurationChartLayout {
  bars: DurationBar[];
  /** The duration the full height stands for (the longest run, at least 1 s). */
  maxSeconds: number;
}

/** Options of {@link layoutDurationChart}. */
export interface ChartSize {
  width: number;
  height: number;
  /** At most this many (the newest) runs are drawn. */
  maxBars: number;
  /** Space between bars. */
  gap?: number;
  /** The smallest bar height, so instant runs stay visible. */
  minBarHeight?: number;
}

const OUTCOMES: Partial<Record<RunState, Outcome>> = {
  succeeded: 'success',
  failed: 'failure',
  timed_out: 'timeout',
  cancelled: 'cancelled',
};

/** The outcome of a finished run; `undefined` while it is queued or running. */
export function outcomeOf(state: RunState): Outcome | undefined {
  return OUTCOMES[state];
}

/** Seconds a finished run took: `durationSeconds`, else finishedAt - startedAt. */
export function runSeconds(run: Run): number | undefined {
  if (typeof run.durationSeconds === 'number' && Number.isFinite(run.durationSeconds)) {
    return Math.max(0, run.durationSeconds);
  }
  if (run.startedAt && run.finishedAt) {
    const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
    return Number.isFinite(ms) ? Math.max(0, ms / 1000) : undefined;
  }
  return undefined;
}

/**
 * Lays out one bar per finished run, oldest on the left (runs arrive newest
 * first), in `maxBars` equal slots filled from the right, heights
 * proportional to duration against the longest run.
 */
export function layoutDurationChart(runs: readonly Run[], size: ChartSize): DurationChartLayout {
  const gap = size.gap ?? 2;
  const minBarHeight = size.minBarHeight ?? 2;
  const finished = runs
    .map((run) => ({ run, outcome: outcomeOf(run.state), seconds: runSeconds(run) }))
    .filter(
      (r): r is { run: Run; outcome: Outcome; seconds: number } => !!r.outcome && r.seconds !== undefined,
    )
    .slice(0, Math.max(0, size.maxBars))
    .reverse();
  const maxSeconds = Math.max(1, ...finished.map((r) => r.seconds));
  // Fixed slots (one per possible bar), so a short history does not make huge bars;
  // the newest run sits in the rightmost slot.
  const slots = Math.max(1, size.maxBars);
  const slot = size.width / slots;
  const width = Math.max(1, slot - gap);
  const first = slots - finished.length;
  const bars = finished.map((r, index) => {
    const height = Math.max(minBarHeight, (r.seconds / maxSeconds) * size.height);
    return { ...r, x: (first + index) * slot, y: size.height - height, width, height };
  });
  return { bars, maxSeconds };
}

/** What the duration chart says in words. */
export interface DurationSummary {
  /** Finished runs counted (at most `maxRuns`, the newest). */
  count: number;
  /** Of those, how many succeeded. */
  succeeded: number;
  /** The median duration. */
  medianSeconds: number;
  /** The newest finished run. */
  last: { run: Run; outcome: Outcome; seconds: number };
}

/** Median, success count and the newest finished run of the newest `maxRuns` finished runs; `undefined` if none. */
export function summariseDurations(runs: readonly Run[], maxRuns = 30): DurationSummary | undefined {
  const finished = runs
    .map((run) => ({ run, outcome: outcomeOf(run.state), seconds: runSeconds(run) }))
    .filter(
      (r): r is { run: Run; outcome: Outcome; seconds: number } => !!r.outcome && r.seconds !== undefined,
    )
    .slice(0, Math.max(1, maxRuns));
  const last = finished[0];
  if (!last) {
    return undefined;
  }
  const sorted = finished.map((r) => r.seconds).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const medianSeconds =
    sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return {
    count: finished.length,
    succeeded: finished.filter((r) => r.outcome === 'success').length,
    medianSeconds,
    last,
  };
}
