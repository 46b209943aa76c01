import type { Job } from '@turing/client';

/** Which jobs the panel's state filter keeps. */
export type JobStateFilter = 'all' | 'scheduled' | 'paused' | 'on-demand' | 'failed';

/** How the panel orders jobs. */
export type JobSort = 'name' | 'next-run' | 'last-run';

/** The panel's filter: a name query and a state. */
export interface JobFilter {
  /** Matched case-insensitively against the name; with a `/`, against `owner/name`. */
  query: string;
  state: JobStateFilter;
}

/** The filter that keeps every job. */
export const NO_FILTER: Readonly<JobFilter> = { query: '', state: 'all' };

/** The run states the "last run failed" filter means. */
const FAILED = new Set(['failed', 'timed_out']);

/** Whether `job` passes `filter`. */
export function matchesFilter(job: Job, filter: JobFilter): boolean {
  const query = filter.query.trim().toLowerCase();
  // "bob/" or "bob/daily" finds another user's jobs, as the panel labels them.
  const text = query.includes('/') ? `${job.owner}/${job.name}` : job.name;
  if (query && !text.toLowerCase().includes(query)) {
    return false;
  }
  switch (filter.state) {
    case 'all':
      return true;
    case 'failed':
      return !!job.lastRun && FAILED.has(job.lastRun.state);
    default:
      return job.state === filter.state;
  }
}

function time(iso: string | undefined): number | undefined {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The next run of a scheduled job; paused and on-demand jobs have none. */
export function nextRunTime(job: Job): number | undefined {
  return job.state === 'scheduled' ? time(job.schedule?.nextRuns[0]) : undefined;
}

/** When the last run finished; a run still going counts as now (it is the most recent). */
export function lastRunTime(job: Job, now: number): number | undefined {
  if (!job.lastRun) {
    return undefined;
  }
  return time(job.lastRun.finishedAt) ?? now;
}

/** Orders by `key` ascending (or descending), jobs without a key last, then by name. */
function byKey(key: (job: Job) => number | undefined, descending: boolean) {
  return (a: Job, b: Job): number => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) {
      if (ka === undefined) return 1;
      if (kb === undefined) return -1;
      return descending ? kb - ka : ka - kb;
    }
    return byName(a, b);
  };
}

function byName(a: Job, b: Job): number {
  return a.name.localeCompare(b.name) || a.owner.localeCompare(b.owner);
}

/**
 * The jobs passing `filter`, ordered by `sort`: name A–Z, next run soonest
 * first, or last run most recent first. Does not change `jobs`.
 */
export function filterAndSortJobs(
  jobs: readonly Job[],
  filter: JobFilter,
  sort: JobSort,
  now: number = Date.now(),
): Job[] {
  const kept = jobs.filter((job) => matchesFilter(job, filter));
  const compare =
    sort === 'next-run'
      ? byKey(nextRunTime, false)
      : sort === 'last-run'
        ? byKey((job) => lastRunTime(job, now), true)
        : byName;
  return kept.sort(compare);
}
