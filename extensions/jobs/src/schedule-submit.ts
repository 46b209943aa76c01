import type { ITuringClient, Job, NotebookSource, Run } from '@turing/client';
import { TuringApiError } from '@turing/client';
import type { FieldErrors, ShownError } from '@turing/ui';
import { toShownError } from '@turing/ui';

import { startRun, updateJob } from './job-requests';
import type { Translate } from './parameters';
import type { ScheduleForm } from './schedule-form';
import { createRequest, updateRequest } from './schedule-form';
import { refusedFieldErrors, unplacedErrorLines } from './server-field-errors';

/**
 * What the dialog edits: a new job for a notebook (`unsaved` when the content
 * has edits not saved to the file), or an existing job.
 */
export type ScheduleTarget =
  | { kind: 'create'; source: NotebookSource; unsaved?: boolean }
  | { kind: 'edit'; job: Job };

/** A successful submit: the job, and the run "Run now" started (or why it could not start). */
export interface ScheduleResult {
  job: Job;
  run?: Run;
  runError?: ShownError;
}

/** A refused submit: the error summary and the messages per field; the dialog stays open. */
export interface ScheduleFailure {
  error: ShownError;
  fields: FieldErrors;
}

/**
 * Sends the form: `POST /jobs` (then `POST /jobs/{name}/runs` for "Run now")
 * or `PATCH /jobs/{name}`. A refused request becomes a {@link ScheduleFailure}
 * with each `errors[]` entry on its field. A failed run start after a
 * successful create is reported in the result: the job exists, so the dialog
 * must not offer to create it again.
 */
export async function submitSchedule(
  client: ITuringClient,
  target: ScheduleTarget,
  form: ScheduleForm,
  trans: Translate,
): Promise<{ ok: true; result: ScheduleResult } | { ok: false; failure: ScheduleFailure }> {
  let job: Job;
  try {
    job =
      target.kind === 'create'
        ? await client.jobs.create(createRequest(form, target.source))
        : await updateJob(client, target.job, updateRequest(form));
  } catch (error) {
    return { ok: false, failure: failureOf(error, form, trans) };
  }
  if (target.kind === 'create' && form.when === 'now') {
    try {
      return { ok: true, result: { job, run: await startRun(client, job) } };
    } catch (error) {
      return { ok: true, result: { job, runError: toShownError(error) } };
    }
  }
  return { ok: true, result: { job } };
}

/**
 * Maps an error onto the form: field errors where hub-proxy names a field
 * (in the field's unit), else the summary only. The summary leaves out the messages shown next to
 * their field, so none reads twice (once with a `schedule.cron:` path).
 */
export function failureOf(error: unknown, form: ScheduleForm, trans: Translate): ScheduleFailure {
  const shown = toShownError(error);
  if (!(error instanceof TuringApiError)) {
    return { error: shown, fields: {} };
  }
  const names = form.parameters.map((p) => p.name);
  return {
    error: { ...shown, fields: unplacedErrorLines(error.errors, names) },
    fields: refusedFieldErrors(error, names, trans),
  };
}
