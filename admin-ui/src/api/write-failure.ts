import { TuringApiError } from '@turing/client/lib/errors';
import type { ShownError } from '@turing/ui/lib/error-message';
import { toShownError } from '@turing/ui/lib/error-message';

import { isStaleWrite } from './api-error';

/** How a failed versioned write is shown. */
export interface WriteFailure {
  /** Someone else saved first (409 with the current version): offer a reload. */
  stale: boolean;
  /** Messages per form field (422). */
  fields: Record<string, string[]>;
  /** The summary: status, title, detail and every field line. */
  shown: ShownError;
}

/**
 * Sorts a write's error into a stale-version conflict, field errors (mapped
 * to the form's fields by `fieldOf`) and the summary.
 */
export function describeWriteFailure(error: unknown, fieldOf: (path: string) => string): WriteFailure {
  const fields: Record<string, string[]> = {};
  if (error instanceof TuringApiError) {
    for (const item of error.errors) {
      (fields[fieldOf(item.field)] ??= []).push(item.message);
    }
  }
  const shown = toShownError(error);
  if (error instanceof TuringApiError && error.status > 0 && !shown.title.includes(String(error.status))) {
    shown.title = `${error.status} ${shown.title}`;
  }
  return { stale: isStaleWrite(error), fields, shown };
}
