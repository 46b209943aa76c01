import type { FieldErrors } from '@turing/ui';

import type { PublishField } from './publish-form';

/**
 * Server errors on the Publish form: hub-proxy's problem+json names bad
 * fields as `body.replicas.min`, `body.access.users[0]`, ...; the dialog
 * shows each message next to the field the user can fix, and the rest in
 * its summary.
 */

/** The step of publishing that was refused. */
export type PublishStage = 'create' | 'update' | 'upload';

const FIELDS: Array<[RegExp, PublishField]> = [
  [/^name\b/, 'name'],
  [/^runtime\b/, 'runtime'],
  [/^replicas\.max\b/, 'replicasMax'],
  [/^replicas\b/, 'replicasMin'],
  [/^resources\.cpu\b/, 'cpu'],
  [/^resources\.memory\b/, 'memory'],
  [/^resources\.gpu/, 'gpu'],
  [/^resources\b/, 'cpu'],
  [/^access\.groups\b/, 'groups'],
  [/^access\b/, 'users'],
  [/^rollout\.percent\b/, 'canaryPercent'],
  [/^rollout\b/, 'rollout'],
  [/^files\b/, 'source'],
];

/** The form field a server error path names, or `general` when none does. */
export function publishFieldOf(path: string): PublishField | 'general' {
  const bare = path.replace(/^(body|query|params)\./, '');
  return FIELDS.find(([pattern]) => pattern.test(bare))?.[1] ?? 'general';
}

/** The parts of a refused request the form needs (a `TuringApiError` has them). */
export interface RefusedRequest {
  status: number;
  title: string;
  detail?: string | undefined;
  errors: ReadonlyArray<{ field: string; message: string }>;
}

/** Whether a thrown value carries a refused request's parts (a `TuringApiError` does). */
export function isRefusedRequest(error: unknown): error is RefusedRequest {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const e = error as Partial<RefusedRequest>;
  return typeof e.status === 'number' && typeof e.title === 'string' && Array.isArray(e.errors);
}

/** Server errors placed on the form: messages per field, and the lines no field shows. */
export interface PlacedErrors {
  fields: FieldErrors;
  /** `field: message` lines for the summary. */
  unplaced: string[];
}

/**
 * Maps a refused request onto the form. Field errors go to their fields and
 * leave the summary; problems without fields still belong somewhere: a 409
 * on create means the name is taken, and a 413 or 422 on upload is about
 * the files (the detail says what was expected).
 */
export function placeServerErrors(stage: PublishStage, refused: RefusedRequest): PlacedErrors {
  const fields: FieldErrors = {};
  const unplaced: string[] = [];
  for (const e of refused.errors) {
    const field = publishFieldOf(e.field);
    if (field === 'general') {
      unplaced.push(`${e.field.replace(/^(body|query|params)\./, '')}: ${e.message}`);
    } else {
      (fields[field] ??= []).push(e.message);
    }
  }
  if (refused.errors.length === 0) {
    const message = refused.detail ?? refused.title;
    if (stage === 'create' && refused.status === 409) {
      (fields.name ??= []).push(message);
    } else if (stage === 'upload' && (refused.status === 413 || refused.status === 422)) {
      (fields.source ??= []).push(message);
    }
  }
  return { fields, unplaced };
}
