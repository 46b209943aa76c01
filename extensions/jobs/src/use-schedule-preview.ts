import type { ITuringClient, SchedulePreview } from '@turing/client';
import { TuringApiError } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { toShownError } from '@turing/ui';
import { useEffect, useState } from 'react';

import { distinctMessages } from './server-field-errors';

/** The preview of a cron in a time zone, as hub-proxy computes it. */
export interface PreviewState {
  preview: SchedulePreview | null;
  error: ShownError | null;
  /** What to show for `error`: hub-proxy's messages, once each and without field paths. */
  messages: string[];
  loading: boolean;
}

/** The readable lines of a failed preview: `query.cron: X` in the detail and `X` in errors[] read as `X`. */
function previewErrorMessages(error: unknown): string[] {
  if (error instanceof TuringApiError && error.errors.length > 0) {
    return distinctMessages(error.errors);
  }
  const shown = toShownError(error);
  return [shown.detail ?? shown.title];
}

/** How long typing must pause before a preview is requested. */
export const PREVIEW_DEBOUNCE_MS = 400;

/**
 * Asks hub-proxy for the next 5 run times of `cron` in `timezone`, once the
 * user stops typing; answers that arrive after a newer request are dropped.
 */
export function useSchedulePreview(
  client: ITuringClient,
  cron: string,
  timezone: string,
  enabled: boolean,
): PreviewState {
  const [state, setState] = useState<PreviewState>({
    preview: null,
    error: null,
    messages: [],
    loading: false,
  });
  useEffect(() => {
    if (!enabled || cron.trim() === '' || timezone.trim() === '') {
      setState({ preview: null, error: null, messages: [], loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      client.jobs
        .schedulePreview(cron.trim(), timezone.trim(), 5)
        .then((preview) => live && setState({ preview, error: null, messages: [], loading: false }))
        .catch(
          (error: unknown) =>
            live &&
            setState({
              preview: null,
              error: toShownError(error),
              messages: previewErrorMessages(error),
              loading: false,
            }),
        );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, cron, timezone, enabled]);
  return state;
}
