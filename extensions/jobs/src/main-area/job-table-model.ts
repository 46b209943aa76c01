import type { Job, JobState } from '@turing/client';

/**
 * The pure part of the main-area jobs table: which jobs a filter keeps, in
 * which base order, and what each sortable column sorts by. Kept free of
 * React and JupyterLab so it is tested in Node, at 1,000 jobs too.
 */

/** The attribute on each job's name button in the table (its {@link jobKey}), to return the focus to it. */
export const JOB_KEY_ATTRIBUTE = 'data-job-key';

/** The state filter: every job, one job state, or the jobs whose last run did not succeed. */
export type JobStateFilter = 'all' | JobState | 'last-failed';

/** Every choice of the state filter, in menu order. */
export const JOB_STATE_FILTERS: readonly JobStateFilter[] = [
  'all',
  'scheduled',
  'paused',
  'on-demand',
  'last-failed',
];

/** What the user filters the table by. */
export interface JobTableFilter {
  /** Matched (case-insensitively, trimmed) against the name and the owner. */
  text: string;
  state: JobStateFilter;
  /** Only this owner's jobs; `null` for everyone's. */
  owner: string | null;
}

/** The filter a new table starts with. */
export const EMPTY_JOB_FILTER: Readonly<JobTableFilter> = { text: '', state: 'all', owner: null };

/** The columns of the jobs table that sort. */
export type JobColumnId = 'name' | 'owner' | 'schedule' | 'environment' | 'state' | 'lastRun' | 'nextRun';

/** The run states a "last run failed" filter matches. */
const NOT_SUCCEEDED = new Set(['failed', 'timed_out', 'cancelled']);

/** Whether a job's last run ended without success. */
export function lastRunFailed(job: Pick<Job, 'lastRun'>): boolean {
  return !!job.lastRun && NOT_SUCCEEDED.has(job.lastRun.state);
}

/** When the job runs next (ms since the epoch), only for a scheduled (not paused) job. */
export function nextRunTime(job: Pick<Job, 'state' | 'schedule'>): number | undefined {
  const next = job.state === 'scheduled' ? job.schedule?.nextRuns[0] : undefined;
  const time = next ? Date.parse(next) : NaN;
  return Number.isFinite(time) ? time : undefined;
}

/** Whether the viewer sees other users' jobs (an admin): then the table shows an owner column and filter. */
export function seesOtherUsers(jobs: readonly Pick<Job, 'owner'>[], viewer: string): boolean {
  return jobs.some((job) => job.owner !== viewer);
}

/** The distinct owners of `jobs`, sorted. */
export function jobOwners(jobs: readonly Pick<Job, 'owner'>[]): string[] {
  return [...new Set(jobs.map((job) => job.owner))].sort((a, b) => a.localeCompare(b));
}

// Sorts far after every real time and state: jobs without one end up last when ascending.
const LAST = Number.MAX_SAFE_INTEGER;

const STATE_ORDER: Record<JobState, number> = { scheduled: 0, paused: 1, 'on-demand': 2 };
const RUN_STATE_ORDER: Record<string, number> = {
  failed: 0,
  timed_out: 1,
  cancelled: 2,
  running: 3,
  queued: 4,
  succeeded: 5,
};

/**
 * What each column sorts by. Schedules sort by their next run (a readable
 * description does not order), last runs by when they finished (running
 * ones first, as the newest), states in the order the filter lists them.
 */
export const JOB_SORT_VALUES: Readonly<Record<JobColumnId, (job: Job) => string | number>> = {
  name: (job) => job.name.toLowerCase(),
  owner: (job) => job.owner.toLowerCase(),
  schedule: (job) => (job.schedule ? `${job.schedule.timezone} ${job.schedule.cron}` : '~'),
  environment: (job) => job.environment.toLowerCase(),
  state: (job) => STATE_ORDER[job.state] ?? LAST,
  lastRun: (job) => {
    if (!job.lastRun) {
      return -1;
    }
    const finished = job.lastRun.finishedAt ? Date.parse(job.lastRun.finishedAt) : NaN;
    return Number.isFinite(finished) ? finished : LAST - (RUN_STATE_ORDER[job.lastRun.state] ?? 0);
  },
  nextRun: (job) => nextRunTime(job) ?? LAST,
};

/** Orders by name, then owner: the order ties keep, the same on every poll whatever order the API answers in. */
export function compareJobsByName(a: Pick<Job, 'name' | 'owner'>, b: Pick<Job, 'name' | 'owner'>): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0;
}

/** The jobs `filter` keeps, by name then owner. Does not change `jobs`. */
export function filterJobs(jobs: readonly Job[], filter: JobTableFilter): Job[] {
  const text = filter.text.trim().toLowerCase();
  const kept = jobs.filter(
    (job) =>
      (filter.owner === null || job.owner === filter.owner) &&
      (filter.state === 'all' ||
        (filter.state === 'last-failed' ? lastRunFailed(job) : job.state === filter.state)) &&
      (text === '' || job.name.toLowerCase().includes(text) || job.owner.toLowerCase().includes(text)),
  );
  return kept.sort(compareJobsByName);
}
