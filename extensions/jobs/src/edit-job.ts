import type { TranslationBundle } from '@jupyterlab/translation';
import type { ITuringClient, Job } from '@turing/client';

import { openScheduleDialog } from './schedule-dialog';
import { DEFAULT_SCHEDULE_SETTINGS } from './settings';

/** An opener of the Schedule dialog on a job: resolves with the saved job, or `null` when cancelled. */
export function jobEditor(
  client: ITuringClient,
  trans: TranslationBundle,
): (job: Job) => Promise<Job | null> {
  return async (job) => {
    const result = await openScheduleDialog({
      client,
      target: { kind: 'edit', job },
      settings: DEFAULT_SCHEDULE_SETTINGS,
      trans,
    });
    return result?.job ?? null;
  };
}
