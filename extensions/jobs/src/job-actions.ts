import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ITuringClient, Job, Run } from '@turing/client';

import { notebookFromContents } from './notebook-source';

/** What the job actions need. */
export interface JobActionContext {
  client: ITuringClient;
  contents: Contents.IManager;
  trans: TranslationBundle;
}

/** Pauses a scheduled job or resumes a paused one (`PATCH {suspend}`). */
export function toggleSuspend(job: Job, ctx: JobActionContext): Promise<Job> {
  return ctx.client.jobs.update(job.name, { suspend: !job.suspended });
}

/** Starts a run now. */
export function runNow(job: Job, ctx: JobActionContext): Promise<Run> {
  return ctx.client.jobs.run(job.name);
}

/** Asks, then deletes the job with its runs and outputs; `false` if the user declined. */
export async function deleteWithConfirmation(job: Job, ctx: JobActionContext): Promise<boolean> {
  const { trans } = ctx;
  const answer = await showDialog({
    title: trans.__('Delete job "%1"?', job.name),
    body: trans.__(
      'Its schedule, run history, logs and stored outputs are deleted. Copies saved in your home stay.',
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Delete') }),
    ],
  });
  if (!answer.button.accept) {
    return false;
  }
  await ctx.client.jobs.delete(job.name);
  Notification.success(trans.__('Job "%1" deleted.', job.name), { autoClose: 4000 });
  return true;
}

/**
 * "Update input from notebook": snapshots the notebook file's saved content
 * as the job's new input (`PATCH {notebook: {path, content}}`).
 */
export async function updateInputFromNotebook(job: Job, ctx: JobActionContext): Promise<Job> {
  const source = await notebookFromContents(ctx.contents, job.notebook.path);
  const updated = await ctx.client.jobs.update(job.name, { notebook: source });
  Notification.success(ctx.trans.__('The input of "%1" now is the saved %2.', job.name, source.path), {
    autoClose: 4000,
  });
  return updated;
}
