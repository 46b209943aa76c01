import type { Job, JobState, RunState } from '@turing/client';
import { describe, expect, it } from 'vitest';

import { scheduledJob } from '../testing/job-fixture';
import type { JobColumnId } from './job-table-model';
import {
  EMPTY_JOB_FILTER,
  JOB_SORT_VALUES,
  filterJobs,
  jobOwners,
  lastRunFailed,
  nextRunTime,
  seesOtherUsers,
} from './job-table-model';

/** A job of the fixture with another name, owner, state and times. */
function job(
  name: string,
  options: {
    owner?: string;
    state?: JobState;
    next?: string;
    last?: { state: RunState; finishedAt?: string };
    environment?: string;
  } = {},
): Job {
  const base = scheduledJob();
  const state = options.state ?? 'scheduled';
  return {
    ...base,
    name,
    owner: options.owner ?? 'alice',
    state,
    suspended: state === 'paused',
    environment: options.environment ?? base.environment,
    schedule:
      state === 'on-demand'
        ? undefined
        : { ...base.schedule, nextRuns: options.next ? [options.next] : base.schedule.nextRuns },
    lastRun: options.last ? { id: `${name}-1`, ...options.last } : undefined,
  };
}

/** Sorts as the table does: a stable sort on the column's value. */
function sortBy(rows: readonly Job[], column: JobColumnId, direction: 'ascending' | 'descending'): Job[] {
  const value = JOB_SORT_VALUES[column];
  const sign = direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return x < y ? -sign : x > y ? sign : 0;
  });
}

const names = (rows: readonly Job[]) => rows.map((r) => `${r.owner}/${r.name}`);

describe('filtering the jobs table', () => {
  const jobs = [
    job('weekly-sales', { owner: 'bob' }),
    job('daily-ctr', { state: 'paused' }),
    job('adhoc', { state: 'on-demand', last: { state: 'failed', finishedAt: '2026-01-01T00:00:00Z' } }),
    job('daily-ctr', { owner: 'bob', last: { state: 'succeeded', finishedAt: '2026-01-02T00:00:00Z' } }),
  ];

  it('keeps every job, ordered by name then owner, when nothing is filtered', () => {
    expect(names(filterJobs(jobs, EMPTY_JOB_FILTER))).toEqual([
      'alice/adhoc',
      'alice/daily-ctr',
      'bob/daily-ctr',
      'bob/weekly-sales',
    ]);
  });

  it('matches the text against the name or the owner, ignoring case and spaces around it', () => {
    expect(names(filterJobs(jobs, { ...EMPTY_JOB_FILTER, text: '  DAILY ' }))).toEqual([
      'alice/daily-ctr',
      'bob/daily-ctr',
    ]);
    expect(names(filterJobs(jobs, { ...EMPTY_JOB_FILTER, text: 'bo' }))).toEqual([
      'bob/daily-ctr',
      'bob/weekly-sales',
    ]);
    expect(filterJobs(jobs, { ...EMPTY_JOB_FILTER, text: 'nothing-like-it' })).toEqual([]);
  });

  it('filters by job state, by a last run that did not succeed, and by owner, combined', () => {
    expect(names(filterJobs(jobs, { ...EMPTY_JOB_FILTER, state: 'paused' }))).toEqual(['alice/daily-ctr']);
    expect(names(filterJobs(jobs, { ...EMPTY_JOB_FILTER, state: 'on-demand' }))).toEqual(['alice/adhoc']);
    expect(names(filterJobs(jobs, { ...EMPTY_JOB_FILTER, state: 'last-failed' }))).toEqual(['alice/adhoc']);
    expect(names(filterJobs(jobs, { ...EMPTY_JOB_FILTER, owner: 'bob', text: 'daily' }))).toEqual([
      'bob/daily-ctr',
    ]);
    expect(filterJobs(jobs, { ...EMPTY_JOB_FILTER, owner: 'bob', state: 'paused' })).toEqual([]);
  });

  it('does not reorder the array it was given', () => {
    const before = names(jobs);
    filterJobs(jobs, EMPTY_JOB_FILTER);
    expect(names(jobs)).toEqual(before);
  });

  it('calls only a failed, timed out or cancelled last run a failure', () => {
    expect(lastRunFailed(job('a', { last: { state: 'timed_out' } }))).toBe(true);
    expect(lastRunFailed(job('a', { last: { state: 'cancelled' } }))).toBe(true);
    expect(lastRunFailed(job('a', { last: { state: 'running' } }))).toBe(false);
    expect(lastRunFailed(job('a'))).toBe(false);
  });
});

describe('who sees an owner column', () => {
  it('is an admin view only when some job has another owner', () => {
    expect(seesOtherUsers([job('a'), job('b')], 'alice')).toBe(false);
    expect(seesOtherUsers([job('a'), job('b', { owner: 'bob' })], 'alice')).toBe(true);
    expect(seesOtherUsers([], 'alice')).toBe(false);
    expect(
      jobOwners([job('a', { owner: 'zoe' }), job('b', { owner: 'bob' }), job('c', { owner: 'zoe' })]),
    ).toEqual(['bob', 'zoe']);
  });
});

describe('sorting the jobs table', () => {
  it('sorts names descending, ignoring case', () => {
    const rows = filterJobs([job('beta'), job('Alpha'), job('gamma')], EMPTY_JOB_FILTER);
    expect(sortBy(rows, 'name', 'descending').map((r) => r.name)).toEqual(['gamma', 'beta', 'Alpha']);
  });

  it('puts jobs without a next run after every scheduled one, and paused jobs have none', () => {
    const rows = [
      job('later', { next: '2026-03-01T00:00:00Z' }),
      job('paused', { state: 'paused', next: '2026-01-01T00:00:00Z' }),
      job('sooner', { next: '2026-02-01T00:00:00Z' }),
      job('manual', { state: 'on-demand' }),
    ];
    expect(nextRunTime(job('paused', { state: 'paused', next: '2026-01-01T00:00:00Z' }))).toBeUndefined();
    expect(sortBy(filterJobs(rows, EMPTY_JOB_FILTER), 'nextRun', 'ascending').map((r) => r.name)).toEqual([
      'sooner',
      'later',
      'manual',
      'paused',
    ]);
  });

  it('sorts last runs by when they finished, never-run jobs first and running ones last', () => {
    const rows = [
      job('running', { last: { state: 'running' } }),
      job('new'),
      job('old', { last: { state: 'succeeded', finishedAt: '2026-01-01T00:00:00Z' } }),
      job('recent', { last: { state: 'failed', finishedAt: '2026-01-05T00:00:00Z' } }),
    ];
    expect(sortBy(rows, 'lastRun', 'ascending').map((r) => r.name)).toEqual([
      'new',
      'old',
      'recent',
      'running',
    ]);
  });

  it('keeps ties in name order, whatever order the server answered in', () => {
    const a = [job('c'), job('a'), job('b', { state: 'paused' }), job('d')];
    const b = [...a].reverse();
    const order = (rows: Job[]) =>
      sortBy(filterJobs(rows, EMPTY_JOB_FILTER), 'state', 'ascending').map((r) => r.name);
    expect(order(a)).toEqual(['a', 'c', 'd', 'b']);
    expect(order(b)).toEqual(order(a));
  });
});

describe('a table of 1,000 jobs', () => {
  const states: JobState[] = ['scheduled', 'paused', 'on-demand'];
  const many = Array.from({ length: 1000 }, (_, i) =>
    job(`job-${String((i * 7919) % 1000).padStart(4, '0')}`, {
      owner: `user-${i % 13}`,
      state: states[i % 3],
      next: new Date(Date.UTC(2026, 0, 1) + ((i * 37) % 1000) * 60_000).toISOString(),
      last: i % 5 === 0 ? { state: 'failed', finishedAt: '2026-01-01T00:00:00Z' } : undefined,
    }),
  );

  // The speed is measured by `npm run bench jobs-table`, not asserted here.
  it('filters 1,000 jobs and sorts them by every column without losing or repeating one', () => {
    const columns = Object.keys(JOB_SORT_VALUES) as JobColumnId[];
    const filtered = filterJobs(many, { text: 'job-0', state: 'all', owner: null });
    expect(filtered.length).toBe(1000);
    for (const column of columns) {
      const sorted = sortBy(filtered, column, 'descending');
      expect(new Set(sorted.map((r) => `${r.owner}/${r.name}`)).size).toBe(1000);
    }
  });

  it('finds exactly the matching jobs and keeps the same order across polls', () => {
    const filter = { text: '', state: 'last-failed' as const, owner: 'user-0' };
    const first = filterJobs(many, filter);
    // user-0 owns every 13th job; of those, every 5th failed.
    expect(first.length).toBe(many.filter((_, i) => i % 13 === 0 && i % 5 === 0).length);
    expect(first.every((r) => r.owner === 'user-0' && r.lastRun?.state === 'failed')).toBe(true);
    const shuffled = [...many].reverse();
    expect(names(sortBy(filterJobs(shuffled, filter), 'state', 'ascending'))).toEqual(
      names(sortBy(first, 'state', 'ascending')),
    );
  });
});
