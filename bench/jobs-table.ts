import type { Job } from '@turing/client';

import { scheduledJob } from '../extensions/jobs/src/testing/job-fixture.js';
import type { JobColumnId } from '../extensions/jobs/src/main-area/job-table-model.js';
import {
  EMPTY_JOB_FILTER,
  JOB_SORT_VALUES,
  filterJobs,
} from '../extensions/jobs/src/main-area/job-table-model.js';
import { sortRows } from '../extensions/ui/src/table-model.js';
import { summarize } from './stats.js';

/** `n` jobs of `users` owners, with spread names, states, next runs and failed last runs. */
function manyJobs(n: number, users: number): Job[] {
  const base = scheduledJob() as Job;
  const states = ['scheduled', 'paused', 'on-demand'] as const;
  return Array.from({ length: n }, (_, i) => {
    const next = new Date(Date.UTC(2026, 0, 1) + ((i * 37) % n) * 60_000).toISOString();
    const state = states[i % 3] ?? 'scheduled';
    return {
      ...base,
      name: `job-${String((i * 7919) % n).padStart(5, '0')}`,
      owner: `user-${i % users}`,
      state,
      schedule: base.schedule && { ...base.schedule, nextRuns: [next] },
      lastRun:
        i % 5 === 0 ? { id: `r${i}`, state: 'failed', createdAt: next, finishedAt: next } : base.lastRun,
    } as Job;
  });
}

/** Milliseconds `work` takes, `rounds` times after 3 warm-up rounds. */
function time(rounds: number, work: () => void): number[] {
  for (let i = 0; i < 3; i++) work();
  return Array.from({ length: rounds }, () => {
    const started = performance.now();
    work();
    return performance.now() - started;
  });
}

/**
 * What one interaction with the main-area jobs table costs in the browser's
 * JavaScript, without rendering (the table renders one page): the filter over
 * every job plus a sort by each column, against the same-run baseline of a
 * plain `localeCompare` sort of the job names.
 */
export async function benchJobsTable(rounds: number): Promise<{ lines: string[] }> {
  const lines = [
    '| jobs | baseline: sort names p50 / p95 (ms) | filter + sort by one column p50 / p95 (ms) | ratio p95 |',
    '|---|---|---|---|',
  ];
  const columns = Object.keys(JOB_SORT_VALUES) as JobColumnId[];
  for (const n of [1_000, 10_000]) {
    const jobs = manyJobs(n, Math.max(1, n / 10));
    const names = jobs.map((j) => j.name);
    const baseline = summarize(time(rounds, () => void [...names].sort((a, b) => a.localeCompare(b))));
    let column = 0;
    const table = summarize(
      time(rounds, () => {
        const id = columns[column++ % columns.length] ?? 'name';
        const rows = filterJobs(jobs, { ...EMPTY_JOB_FILTER, text: 'job-' });
        sortRows(rows, JOB_SORT_VALUES[id], 'descending');
      }),
    );
    lines.push(
      `| ${n} | ${baseline.p50.toFixed(2)} / ${baseline.p95.toFixed(2)} | ${table.p50.toFixed(2)} / ${table.p95.toFixed(2)} | ${(table.p95 / baseline.p95).toFixed(2)}× |`,
    );
  }
  return { lines };
}
