import type {
  ITuringClient,
  Job,
  NotebookContent,
  OwnerOptions,
  Run,
  RunList,
  RunLogEnd,
  UpdateJobRequest,
} from '@turing/client';

/**
 * The panel's requests about one job or one run. Job names are unique per
 * owner only, and an admin's panel lists everyone's jobs: each request
 * names the owner (`?user=`), so acting on bob's "daily" never reaches the
 * admin's own "daily". Everything the panel does to a job goes through here.
 */

/** A job as the panel addresses it. */
export type JobRef = Pick<Job, 'name' | 'owner'>;
/** A run as the panel addresses it. */
export type RunRef = Pick<Run, 'id' | 'owner'>;

/** A key that tells jobs of the same name and different owners apart. */
export function jobKey(job: JobRef): string {
  return `${job.owner}/${job.name}`;
}

/** Whether `a` and `b` are the same job (same owner and name). */
export function sameJob(a: JobRef | null | undefined, b: JobRef | null | undefined): boolean {
  return !!a && !!b && a.name === b.name && a.owner === b.owner;
}

function ownerOf(item: { owner: string }): OwnerOptions {
  return { user: item.owner };
}

/** Pauses (`true`) or resumes a scheduled job. */
export function setSuspended(client: ITuringClient, job: JobRef, suspend: boolean): Promise<Job> {
  return client.jobs.update(job.name, { suspend }, ownerOf(job));
}

/** Starts a run now with the job's parameters. */
export function startRun(client: ITuringClient, job: JobRef): Promise<Run> {
  return client.jobs.run(job.name, undefined, ownerOf(job));
}

/** Deletes the job with its runs and outputs. */
export function deleteJob(client: ITuringClient, job: JobRef): Promise<void> {
  return client.jobs.delete(job.name, ownerOf(job));
}

/** Changes some of the job's settings (or its input snapshot). */
export function updateJob(client: ITuringClient, job: JobRef, patch: UpdateJobRequest): Promise<Job> {
  return client.jobs.update(job.name, patch, ownerOf(job));
}

/** The job's runs, newest first. */
export function listRuns(client: ITuringClient, job: JobRef): Promise<RunList> {
  return client.jobs.listRuns(job.name, ownerOf(job));
}

/** Cancels a queued or running run. */
export function cancelRun(client: ITuringClient, run: RunRef): Promise<Run> {
  return client.jobs.cancelRun(run.id, ownerOf(run));
}

/** The run's log so far. */
export function readRunLog(client: ITuringClient, run: RunRef): Promise<string> {
  return client.jobs.runLog(run.id, ownerOf(run));
}

/** Follows the run's log until it ends (see `IJobsClient.followRunLog`). */
export function followRunLog(
  client: ITuringClient,
  run: RunRef,
  onChunk: (text: string) => void,
  signal: AbortSignal,
): Promise<RunLogEnd> {
  return client.jobs.followRunLog(run.id, onChunk, { signal, ...ownerOf(run) });
}

/** The run's executed notebook, as hub-proxy serves it. */
export function runOutputNotebook(client: ITuringClient, run: RunRef): Promise<NotebookContent> {
  return client.jobs.runOutput(run.id, 'ipynb', ownerOf(run));
}
