import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ITuringClient, Job, Run } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { announce, toShownError } from '@turing/ui';
import { useCallback, useState } from 'react';

import { deleteWithConfirmation, runNow, toggleSuspend, updateInputFromNotebook } from '../job-actions';
import type { JobAction } from '../job-list';
import { jobKey } from '../job-requests';

/** What {@link useJobActions} needs. */
export interface JobActionsOptions {
  client: ITuringClient;
  contents: Contents.IManager;
  /** Opens the Schedule dialog on a job; resolves with the saved job or `null`. */
  editJob: (job: Job) => Promise<Job | null>;
  trans: TranslationBundle;
  /** Called after every action, done or not (e.g. to reload the list). */
  onSettled: () => void;
}

/** The job actions of the main-area view and their state. */
export interface JobActions {
  /** {@link jobKey}s of jobs with an action in flight. */
  busy: ReadonlySet<string>;
  /** Why the last action failed; cleared by the next one. */
  error: ShownError | null;
  /**
   * Performs `action` on `job`. Resolves with the started run for `run`,
   * `true` when a `delete` was confirmed and done, else `undefined`.
   */
  perform: (job: Job, action: JobAction) => Promise<Run | boolean | undefined>;
}

/**
 * Runs the side panel's job actions (`job-actions.ts`) for the jobs table and
 * the detail page: one action per job at a time, its failure shown, its
 * outcome announced to screen readers.
 */
export function useJobActions(options: JobActionsOptions): JobActions {
  const { client, contents, editJob, trans, onSettled } = options;
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<ShownError | null>(null);
  const homeOwner = client.connection.hub.user;

  const perform = useCallback(
    async (job: Job, action: JobAction): Promise<Run | boolean | undefined> => {
      const key = jobKey(job);
      const ctx = { client, contents, homeOwner, trans };
      const mark = (on: boolean) =>
        setBusy((current) => {
          const next = new Set(current);
          if (on) {
            next.add(key);
          } else {
            next.delete(key);
          }
          return next;
        });
      mark(true);
      setError(null);
      try {
        switch (action) {
          case 'run': {
            const run = await runNow(job, ctx);
            announce(trans.__('Run %1 of job %2 started.', run.id, job.name));
            return run;
          }
          case 'toggle-suspend': {
            const saved = await toggleSuspend(job, ctx);
            announce(
              saved.suspended
                ? trans.__('Job %1 is paused.', job.name)
                : trans.__('Job %1 is resumed.', job.name),
            );
            return undefined;
          }
          case 'edit':
            await editJob(job);
            return undefined;
          case 'delete': {
            const deleted = await deleteWithConfirmation(job, ctx);
            if (deleted) {
              announce(trans.__('Job %1 deleted.', job.name));
            }
            return deleted;
          }
          default:
            await updateInputFromNotebook(job, ctx);
            return undefined;
        }
      } catch (caught) {
        // Shown in an ErrorMessage, whose role="alert" reads it out.
        setError(toShownError(caught));
        return undefined;
      } finally {
        mark(false);
        onSettled();
      }
    },
    [client, contents, editJob, trans, onSettled, homeOwner],
  );

  return { busy, error, perform };
}
