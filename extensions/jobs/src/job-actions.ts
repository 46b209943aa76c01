import { Notification } from '@jupyterlab/apputils';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ITuringClient, Job, Run } from '@turing/client';
import { confirmDestructive } from '@turing/ui';

import { deleteJob, setSuspended, startRun, updateJob } from './job-requests';
import { notebookFromContents } from './notebook-source';

/** What the job actions need. */
export interface JobActionContext {
  client: ITuringClient;
  /** The contents of this server: the home of {@link JobActionContext.homeOwner}. */
  contents: Contents.IManager;
  /** Whose home `contents` reads; only their jobs can take a new input from it. */
  homeOwner: string;
  trans: TranslationBundle;
}

/** Pauses a scheduled job or resumes a paused one (`PATCH {suspend}`), as its owner's. */
export function toggleSuspend(job: Job, ctx: JobActionContext): Promise<Job> {
  return setSuspended(ctx.client, job, !job.suspended);
}

/** Starts a run now. */
export function runNow(job: Job, ctx: JobActionContext): Promise<Run> {
  return startRun(ctx.client, job);
}

/** Starts a new run of `run`'s job with the parameters `run` had (as the run owner's). */
export function runAgain(run: Run, ctx: JobActionContext): Promise<Run> {
  return ctx.client.jobs.run(run.job, run.parameters, { user: run.owner });
}

/**
 * Asks, with Cancel focused (Enter does not delete), then deletes the job
 * with its runs and outputs; `false` if the user declined.
 */
export async function deleteWithConfirmation(job: Job, ctx: JobActionContext): Promise<boolean> {
  const { trans } = ctx;
  const confirmed = await confirmDestructive({
    title: trans.__('Delete job "%1"?', job.name),
    body: trans.__(
      'Its schedule, run history, logs and stored outputs are deleted. Copies saved in your home stay.',
    ),
    acceptLabel: trans.__('Delete'),
    trans,
  });
  if (!confirmed) {
    return false;
  }
  await deleteJob(ctx.client, job);
  Notification.success(trans.__('Job "%1" deleted.', job.name), { autoClose: 4000 });
  return true;
}

/**
 * "Update input from notebook": snapshots the notebook file's saved content
 * as the job's new input (`PATCH {notebook: {path, content}}`). Only for
 * jobs of the home's owner: another user's path names a file in their home,
 * and a file of this home must never become their input.
 */
export async function updateInputFromNotebook(job: Job, ctx: JobActionContext): Promise<Job> {
  if (job.owner !== ctx.homeOwner) {
    throw new Error(ctx.trans.__("%1's notebook is in their home, not in this one.", job.owner));
  }
  const source = await notebookFromContents(ctx.contents, job.notebook.path);
  const updated = await updateJob(ctx.client, job, { notebook: source });
  Notification.success(ctx.trans.__('The input of "%1" now is the saved %2.', job.name, source.path), {
    autoClose: 4000,
  });
  return updated;
}
