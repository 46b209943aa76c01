import { z } from 'zod';
import type { ArtifactStore } from '../artifacts/index.js';
import { InvalidInput } from '../errors/index.js';
import { cursorState, encodeCursor } from '../http/pagination.js';
import type { JobInventory } from './admin-inventory.js';
import type { AdminJobsQuery, AdminRunsQuery, AdminRunView } from './admin-schemas.js';
import type { NotebookJob, RunRecord } from './model.js';
import { artifactKeys } from './naming.js';
import type { JobView } from './schemas.js';
import { ownerOf, toJobView, toRunView } from './views.js';

/** A page of an admin listing. */
export interface AdminPage<T> {
  items: T[];
  next?: string;
}

/** Collaborators of {@link AdminJobListing}. */
export interface AdminJobListingOptions {
  inventory: JobInventory;
  artifacts: ArtifactStore;
}

/**
 * A position in newest-first order: time (ms), then a unique key, both
 * descending. Pages continue strictly after the last item's position, so a
 * job or run added or removed between pages never makes another one repeat
 * or go missing; the times are creation times, which never change.
 */
interface Position {
  t: number;
  k: string;
}
const positionSchema = z.object({ t: z.number(), k: z.string() });

/**
 * Every user's jobs and runs for admins: one inventory snapshot per request
 * (the informer caches on Kubernetes), filtered and paged in memory, shown
 * with the same views users get. Filters are exact (user, job, environment,
 * state) except `q`, a case-insensitive part of the job name.
 */
export class AdminJobListing {
  constructor(private readonly options: AdminJobListingOptions) {}

  /** Jobs, newest first; `failing` means the newest finished run failed or timed out. */
  async listJobs(query: AdminJobsQuery): Promise<AdminPage<JobView>> {
    const after = readCursor(query.cursor);
    const { jobs, runs } = await this.options.inventory.snapshot();
    const byJob = runsByJob(runs);
    const needle = query.q?.toLowerCase();
    const matching = jobs.filter((job) => {
      if (query.user !== undefined && ownerOf(job) !== query.user) return false;
      if (query.environment !== undefined && job.spec.environment !== query.environment) return false;
      if (needle !== undefined && !job.spec.jobName.toLowerCase().includes(needle)) return false;
      if (query.state === 'active') return !job.spec.suspend;
      if (query.state === 'suspended') return job.spec.suspend;
      if (query.state === 'failing') return isFailing(byJob(job.metadata.name ?? ''));
      return true;
    });
    const page = pageOf(matching, jobPosition, after, query.limit);
    return {
      items: page.items.map((job) => toJobView(job, byJob(job.metadata.name ?? '')[0])),
      ...(page.next ? { next: page.next } : {}),
    };
  }

  /** Runs, newest first, each with its job's environment and links to its log and outputs. */
  async listRuns(query: AdminRunsQuery): Promise<AdminPage<AdminRunView>> {
    const after = readCursor(query.cursor);
    const { jobs, runs } = await this.options.inventory.snapshot();
    const jobsByName = new Map(jobs.map((job) => [job.metadata.name ?? '', job]));
    const since = query.since === undefined ? -Infinity : Date.parse(query.since);
    const until = query.until === undefined ? Infinity : Date.parse(query.until);
    const matching = runs.filter((run) => {
      if (query.user !== undefined && run.owner !== query.user) return false;
      if (query.job !== undefined && run.job !== query.job) return false;
      if (query.state !== undefined && run.state !== query.state) return false;
      if (
        query.environment !== undefined &&
        jobsByName.get(run.jobObjectName)?.spec.environment !== query.environment
      ) {
        return false;
      }
      const started = millis(run.startedAt ?? run.createdAt);
      return started >= since && started <= until;
    });
    const page = pageOf(matching, runPosition, after, query.limit);
    const keys = await this.artifactKeysOf(page.items);
    return {
      items: page.items.map((run) => {
        const job = jobsByName.get(run.jobObjectName);
        const prefix = artifactKeys.runPrefix(run.owner, run.jobObjectName, run.id);
        const view = toRunView(
          run,
          job,
          (keys.get(jobKey(run)) ?? []).filter((key) => key.startsWith(prefix)),
        );
        return { ...view, environment: job?.spec.environment ?? '', links: runLinks(run.id, view.artifacts) };
      }),
      ...(page.next ? { next: page.next } : {}),
    };
  }

  /** Stored artifact keys of the jobs the runs belong to: one store listing per job on the page. */
  private async artifactKeysOf(runs: RunRecord[]): Promise<Map<string, string[]>> {
    const jobsOnPage = new Map(runs.map((run) => [jobKey(run), run]));
    const listed = await Promise.all(
      [...jobsOnPage].map(
        async ([key, run]) =>
          [
            key,
            await this.options.artifacts.keys(artifactKeys.jobPrefix(run.owner, run.jobObjectName)),
          ] as const,
      ),
    );
    return new Map(listed);
  }
}

/** API paths (relative to the service prefix) an admin may GET: the log always, outputs once stored. */
export function runLinks(runId: string, artifacts: readonly string[]): AdminRunView['links'] {
  const base = `api/v1/runs/${encodeURIComponent(runId)}`;
  return {
    log: `${base}/log`,
    ...(artifacts.includes('output.html') ? { outputHtml: `${base}/output?format=html` } : {}),
    ...(artifacts.includes('output.ipynb') ? { outputIpynb: `${base}/output?format=ipynb` } : {}),
  };
}

function jobKey(run: RunRecord): string {
  return `${run.owner}\n${run.jobObjectName}`;
}

/** Milliseconds of an ISO time; an unreadable one sorts as the oldest. */
function millis(iso: string | undefined): number {
  const value = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(value) ? 0 : value;
}

function jobPosition(job: NotebookJob): Position {
  return { t: millis(job.metadata.creationTimestamp), k: job.metadata.name ?? '' };
}

function runPosition(run: RunRecord): Position {
  return { t: millis(run.createdAt), k: run.id };
}

/** Negative when `a` comes first (is newer). */
function compare(a: Position, b: Position): number {
  if (a.t !== b.t) return b.t - a.t;
  return a.k < b.k ? 1 : a.k > b.k ? -1 : 0;
}

/**
 * Each job's runs, newest first. Runs are grouped in one pass and a job's
 * group sorted only when asked for: a page needs the runs of its own jobs,
 * not a sort of every run (50,000 at scale) per request.
 */
function runsByJob(runs: RunRecord[]): (jobObjectName: string) => RunRecord[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const list = groups.get(run.jobObjectName);
    if (list) list.push(run);
    else groups.set(run.jobObjectName, [run]);
  }
  const sorted = new Set<string>();
  return (jobObjectName) => {
    const list = groups.get(jobObjectName) ?? [];
    if (!sorted.has(jobObjectName)) {
      list.sort((a, b) => compare(runPosition(a), runPosition(b)));
      sorted.add(jobObjectName);
    }
    return list;
  };
}

function isFailing(newestFirst: RunRecord[]): boolean {
  const finished = newestFirst.find((run) => run.state !== 'queued' && run.state !== 'running');
  return finished?.state === 'failed' || finished?.state === 'timed_out';
}

/**
 * The `limit` items after `after` in newest-first order, and the cursor of
 * the rest. One pass keeps only the best `limit + 1` in a sorted buffer
 * rather than sorting everything: a page costs O(n log limit), not O(n log n).
 */
function pageOf<T>(
  items: T[],
  position: (item: T) => Position,
  after: Position | undefined,
  limit: number,
): AdminPage<T> {
  const best: Array<{ item: T; at: Position }> = [];
  for (const item of items) {
    const at = position(item);
    if (after !== undefined && compare(at, after) <= 0) continue;
    if (best.length > limit && compare(at, best[limit]?.at ?? at) >= 0) continue;
    let low = 0;
    let high = best.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compare(best[mid]?.at ?? at, at) <= 0) low = mid + 1;
      else high = mid;
    }
    best.splice(low, 0, { item, at });
    if (best.length > limit + 1) best.pop();
  }
  const taken = best.slice(0, limit);
  const last = taken.at(-1);
  return {
    items: taken.map(({ item }) => item),
    ...(best.length > limit && last ? { next: encodeCursor({ ...last.at }) } : {}),
  };
}

function readCursor(cursor: string | undefined): Position | undefined {
  if (cursor === undefined) return undefined;
  const parsed = positionSchema.safeParse(cursorState(cursor));
  if (!parsed.success) {
    throw new InvalidInput(
      [{ field: 'query.cursor', message: 'invalid cursor' }],
      'The cursor is not valid.',
    );
  }
  return parsed.data;
}
