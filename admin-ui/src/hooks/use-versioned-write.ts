import { announce } from '@turing/ui/lib/live-region';
import type { ShownError } from '@turing/ui/lib/error-message';
import { toShownError } from '@turing/ui/lib/error-message';
import { useState } from 'react';

import { describeWriteFailure } from '../api/write-failure';
import { trans } from '../app/translation';

/** Options of {@link useVersionedWrite}. */
export interface VersionedWriteOptions {
  /** Maps an error's field path to the form's field key. */
  fieldOf: (path: string) => string;
  /** Announced on a 409, e.g. "Someone else changed the catalog." (translated). */
  staleMessage: string;
}

/** The state of a form saved with `If-Match`, and what changes it. */
export interface VersionedWrite {
  /** Messages per form field. */
  fields: Record<string, string[]>;
  /** The error summary above the form. */
  summary: ShownError | null;
  /** Someone else saved first: offer a reload. */
  stale: boolean;
  busy: boolean;
  /** Runs a write: busy meanwhile; an error is shown by {@link VersionedWrite.fail}. */
  run: (action: () => Promise<void>) => Promise<void>;
  /** Shows a failed write: a stale-version conflict, or field errors and the summary. */
  fail: (error: unknown) => void;
  /** Shows the form's own validation errors. */
  invalid: (fields: Record<string, string[]>) => void;
  /** Clears the field errors and the summary (the conflict notice stays). */
  clearErrors: () => void;
  /** Clears every error, the conflict notice too, after a successful write. */
  succeeded: () => void;
  /**
   * Loads the current version after a conflict (`load` rejects on failure):
   * the notice goes and `message` is announced, else the error is the summary.
   */
  reload: (load: () => Promise<unknown>, message: string) => Promise<void>;
}

/** Field errors, the summary, the 409 notice and busy state of a versioned write form. */
export function useVersionedWrite({ fieldOf, staleMessage }: VersionedWriteOptions): VersionedWrite {
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [summary, setSummary] = useState<ShownError | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  const fail = (error: unknown): void => {
    const failure = describeWriteFailure(error, fieldOf);
    setStale(failure.stale);
    setFields(failure.fields);
    setSummary(failure.stale ? null : failure.shown);
    announce(failure.stale ? staleMessage : failure.shown.title, 'assertive');
  };

  const clearErrors = (): void => {
    setFields({});
    setSummary(null);
  };

  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const reload = async (load: () => Promise<unknown>, message: string): Promise<void> => {
    setBusy(true);
    try {
      await load();
      setStale(false);
      announce(message);
    } catch (error) {
      setSummary(toShownError(error));
    } finally {
      setBusy(false);
    }
  };

  return {
    fields,
    summary,
    stale,
    busy,
    run,
    fail,
    invalid: (errors) => {
      setFields(errors);
      setSummary({ title: trans.__('Check the highlighted fields.'), fields: [] });
    },
    clearErrors,
    succeeded: () => {
      clearErrors();
      setStale(false);
    },
    reload,
  };
}
