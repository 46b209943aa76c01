import type { TranslationBundle } from '@jupyterlab/translation';
import { closeIcon } from '@jupyterlab/ui-components';
import type { ITuringClient, Run, RunState } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { ErrorMessage, IconButton, toShownError } from '@turing/ui';
import React, { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';

import { isActive } from './format';
import { followRunLog, readRunLog } from './job-requests';
import { runStateLabel } from './labels';
import { withoutLogNoise } from './log-noise';

/** Props of {@link RunLog}. */
export interface RunLogProps {
  client: ITuringClient;
  /** The run, as last polled (its state ends the polling fallback). */
  run: Run;
  /** Milliseconds between log reloads when the live stream is unavailable. */
  pollMs: number;
  /** Closes the log; no close button without it. */
  onClose?: () => void;
  trans: TranslationBundle;
  /** The heading, e.g. "Log of run 3 of daily-ctr"; default "Log of <run id>". */
  title?: string;
  /** Let the text fill the height it is given (in a main-area view) instead of at most 320 px. */
  fill?: boolean;
}

/** Keeps the view responsive with huge logs: only the tail is shown. */
const MAX_LOG_CHARS = 1_000_000;

type Mode = 'loading' | 'live' | 'polling' | 'done';

function tail(text: string): string {
  return text.length > MAX_LOG_CHARS ? text.slice(text.length - MAX_LOG_CHARS) : text;
}

/**
 * A run's log: followed live (SSE) while the run is active, read once when it
 * has finished, and reloaded every `pollMs` if the live stream fails.
 * Scrolls along with new text unless the user scrolled up.
 */
export function RunLog({
  client,
  run,
  pollMs,
  onClose,
  trans,
  title,
  fill,
}: RunLogProps): React.ReactElement {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<Mode>('loading');
  const [finalState, setFinalState] = useState<RunState | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const pre = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  const active = isActive(run);
  const startedActive = useRef(active);

  // Follow live, or read the finished log once. Keyed on the run only.
  useEffect(() => {
    let live = true;
    const abort = new AbortController();
    setText('');
    setError(null);
    setFinalState(null);
    const readOnce = () =>
      readRunLog(client, run)
        .then((log) => live && (setText(tail(log)), setMode('done')))
        .catch((e: unknown) => live && (setError(toShownError(e)), setMode('done')));
    if (!startedActive.current) {
      setMode('loading');
      void readOnce();
    } else {
      setMode('live');
      followRunLog(client, run, (chunk) => live && setText((t) => tail(t + chunk)), abort.signal)
        .then((end) => {
          if (live) {
            setFinalState(end.state);
            setMode('done');
          }
        })
        .catch(() => live && setMode('polling'));
    }
    return () => {
      live = false;
      abort.abort();
    };
  }, [client, run.id]);

  // The fallback: reload the whole log until the run has finished, then once more.
  useEffect(() => {
    if (mode !== 'polling') {
      return;
    }
    let live = true;
    const reload = () =>
      readRunLog(client, run)
        .then((log) => live && setText(tail(log)))
        .catch(() => undefined);
    if (!active) {
      void reload().then(() => live && setMode('done'));
      return () => {
        live = false;
      };
    }
    void reload();
    const timer = setInterval(() => void reload(), pollMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client, run.id, mode, active, pollMs]);

  const shown = useMemo(() => withoutLogNoise(text), [text]);

  useLayoutEffect(() => {
    if (stick.current && pre.current) {
      pre.current.scrollTop = pre.current.scrollHeight;
    }
  }, [shown]);

  const status =
    mode === 'live'
      ? trans.__('Live')
      : mode === 'polling'
        ? trans.__('Reloading every %1 s', Math.round(pollMs / 1000))
        : mode === 'loading'
          ? trans.__('Loading…')
          : runStateLabel(finalState ?? run.state, trans);
  return (
    <section
      className={`jp-Turing-Jobs-log${fill ? ' jp-mod-fill' : ''}`}
      aria-label={trans.__('Log of run %1', run.id)}
      data-testid="run-log"
    >
      <div className="jp-Turing-Jobs-logHeader">
        <span className="jp-Turing-Jobs-logTitle" title={run.id}>
          {title ?? trans.__('Log of %1', run.id)}
        </span>
        <span className="jp-Turing-Jobs-logStatus" data-testid="run-log-status" aria-live="polite">
          {status}
        </span>
        {onClose && (
          <IconButton icon={closeIcon} label={trans.__('Close log of run %1', run.id)} onClick={onClose} />
        )}
      </div>
      {error && error.title && <ErrorMessage error={error} trans={trans} />}
      <pre
        ref={pre}
        className="jp-Turing-LogText jp-Turing-Jobs-logText"
        role="log"
        aria-label={trans.__('Log of run %1', run.id)}
        data-testid="run-log-text"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {shown || (mode === 'done' && !error ? trans.__('(empty log)') : '')}
      </pre>
    </section>
  );
}
