import type { Job } from '@turing/client';
import { describe, expect, it } from 'vitest';

import { filterAndSortJobs, matchesFilter, NO_FILTER } from './job-filter';
import { scheduledJob } from './testing/job-fixture';

function job(name: string, patch: Partial<Job> = {}): Job {
  return { ...scheduledJob(), name, lastRun: undefined, ...patch } as Job;
}

const NOW = Date.parse('2026-01-01T12:00:00Z');
const jobs: Job[] = [
  job('weekly-sales', {
    schedule: { cron: '', timezone: 'UTC', description: '', nextRuns: ['2026-01-05T09:00:00Z'] },
    lastRun: { id: 'w1', state: 'succeeded', finishedAt: '2025-12-29T09:05:00Z' },
  }),
  job('adhoc-export', { state: 'on-demand', schedule: undefined }),
  job('daily-ctr', {
    schedule: { cron: '', timezone: 'UTC', description: '', nextRuns: ['2026-01-02T02:00:00Z'] },
    lastRun: { id: 'd1', state: 'failed', finishedAt: '2026-01-01T02:03:00Z' },
  }),
  job('paused-etl', {
    state: 'paused',
    suspended: true,
    lastRun: { id: 'p1', state: 'timed_out', finishedAt: '2025-12-01T00:00:00Z' },
  }),
  job('busy-train', { state: 'on-demand', schedule: undefined, lastRun: { id: 'b1', state: 'running' } }),
];
const names = (list: Job[]) => list.map((j) => j.name);

describe('job filter', () => {
  it('keeps jobs whose name contains the query, ignoring case and spaces around it', () => {
    expect(names(filterAndSortJobs(jobs, { query: ' CTR ', state: 'all' }, 'name'))).toEqual(['daily-ctr']);
    expect(names(filterAndSortJobs(jobs, { query: 'e', state: 'all' }, 'name'))).toEqual([
      'adhoc-export',
      'paused-etl',
      'weekly-sales',
    ]);
  });

  it('filters by state, with "last run failed" covering failed and timed out runs', () => {
    const byState = (state: (typeof NO_FILTER)['state']) =>
      names(filterAndSortJobs(jobs, { query: '', state }, 'name'));
    expect(byState('scheduled')).toEqual(['daily-ctr', 'weekly-sales']);
    expect(byState('paused')).toEqual(['paused-etl']);
    expect(byState('on-demand')).toEqual(['adhoc-export', 'busy-train']);
    expect(byState('failed')).toEqual(['daily-ctr', 'paused-etl']);
    expect(byState('all')).toHaveLength(jobs.length);
  });

  it("matches another user's jobs as owner/name", () => {
    const bobs = job('report', { owner: 'bob' });
    expect(matchesFilter(bobs, { query: 'bob', state: 'all' })).toBe(false);
    expect(matchesFilter(bobs, { query: 'bob/rep', state: 'all' })).toBe(true);
    expect(matchesFilter(bobs, { query: 'carol/', state: 'all' })).toBe(false);
  });
});

describe('job sort', () => {
  it('sorts by name A to Z', () => {
    expect(names(filterAndSortJobs(jobs, NO_FILTER, 'name'))).toEqual([
      'adhoc-export',
      'busy-train',
      'daily-ctr',
      'paused-etl',
      'weekly-sales',
    ]);
  });

  it('sorts by next run soonest first, jobs without one (paused, on demand) last by name', () => {
    expect(names(filterAndSortJobs(jobs, NO_FILTER, 'next-run', NOW))).toEqual([
      'daily-ctr',
      'weekly-sales',
      'adhoc-export',
      'busy-train',
      'paused-etl',
    ]);
  });

  it('sorts by last run most recent first, a running one first, never-run last', () => {
    expect(names(filterAndSortJobs(jobs, NO_FILTER, 'last-run', NOW))).toEqual([
      'busy-train',
      'daily-ctr',
      'weekly-sales',
      'paused-etl',
      'adhoc-export',
    ]);
  });

  it('does not reorder the given list', () => {
    const before = names(jobs);
    filterAndSortJobs(jobs, NO_FILTER, 'name');
    expect(names(jobs)).toEqual(before);
  });
});
