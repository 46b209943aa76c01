import type { TranslationBundle } from '@jupyterlab/translation';
import type { Run } from '@turing/client';
import { ProgressBar, StatusBadge } from '@turing/ui';
import React from 'react';

import { elapsedSeconds, formatDateTime, formatDuration, isActive } from './format';
import { runStateLabel, runStateTone, triggerLabel } from './labels';
import { modelOutputLabel } from './model-output-form';

/** The actions of a run row. */
export type RunAction = 'log' | 'open-output' | 'cancel';

/** Props of {@link RunList}. */
export interface RunListProps {
  runs: readonly Run[];
  /** The run whose log is shown. */
  selectedRun: string | null;
  /** Ids of runs with an action in flight. */
  busy: ReadonlySet<string>;
  onAction: (run: Run, action: RunAction) => void;
  trans: TranslationBundle;
}

/** "cell i of n" with a bar, for a run that reports progress. */
function RunProgress({ run, trans }: { run: Run; trans: TranslationBundle }): React.ReactElement | null {
  if (!run.progress || run.progress.cells <= 0) {
    return null;
  }
  const { cell, cells } = run.progress;
  const text = trans.__('cell %1 of %2', cell, cells);
  return (
    <div className="jp-Turing-Jobs-progress" data-testid={`run-progress-${run.id}`}>
      <ProgressBar value={cell} max={cells} label={trans.__('Progress')} valueText={text} />
      <span className="jp-Turing-Jobs-progressText">{text}</span>
    </div>
  );
}

/** A job's runs, newest first, with state, trigger, progress, duration and actions. */
export function RunList({ runs, selectedRun, busy, onAction, trans }: RunListProps): React.ReactElement {
  if (runs.length === 0) {
    return <div className="jp-Turing-Hint">{trans.__('No runs yet.')}</div>;
  }
  return (
    <ul className="jp-Turing-CardList" aria-label={trans.__('Runs')} data-testid="run-list">
      {runs.map((run) => {
        const seconds = elapsedSeconds(run);
        const active = isActive(run);
        const hasOutput = run.artifacts.includes('output.ipynb');
        const published = modelOutputLabel(run, trans);
        return (
          <li
            key={run.id}
            className={`jp-Turing-Card${run.id === selectedRun ? ' jp-mod-selected' : ''}`}
            data-testid={`run-${run.id}`}
          >
            <div className="jp-Turing-Card-header">
              <StatusBadge tone={runStateTone(run.state)} testId={`run-state-${run.id}`}>
                {runStateLabel(run.state, trans)}
              </StatusBadge>
              <span className="jp-Turing-Jobs-runMeta">
                {triggerLabel(run.trigger, trans)}
                {run.attempt > 1 ? ` · ${trans.__('attempt %1', run.attempt)}` : ''}
                {' · '}
                <time dateTime={run.startedAt ?? run.createdAt}>
                  {formatDateTime(run.startedAt ?? run.createdAt)}
                </time>
                {seconds !== undefined ? ` · ${formatDuration(seconds, trans)}` : ''}
              </span>
            </div>
            <RunProgress run={run} trans={trans} />
            {run.reason && !active && run.state !== 'succeeded' && (
              <div className="jp-Turing-Jobs-reason" title={run.reason}>
                {run.reason}
              </div>
            )}
            {published && (
              <div
                className={
                  run.modelOutput && 'version' in run.modelOutput
                    ? 'jp-Turing-Jobs-published'
                    : 'jp-Turing-Jobs-reason'
                }
                title={published}
                data-testid={`run-model-output-${run.id}`}
              >
                {published}
              </div>
            )}
            <div className="jp-Turing-ButtonRow">
              <button
                type="button"
                className="jp-mod-styled jp-Turing-SmallButton"
                aria-pressed={run.id === selectedRun}
                onClick={() => onAction(run, 'log')}
              >
                {trans.__('Log')}
              </button>
              <button
                type="button"
                className="jp-mod-styled jp-Turing-SmallButton"
                disabled={!hasOutput || busy.has(run.id)}
                title={hasOutput ? undefined : trans.__('This run has no output notebook (yet).')}
                onClick={() => onAction(run, 'open-output')}
              >
                {trans.__('Open output')}
              </button>
              {active && (
                <button
                  type="button"
                  className="jp-mod-styled jp-mod-warn jp-Turing-SmallButton"
                  disabled={busy.has(run.id)}
                  onClick={() => onAction(run, 'cancel')}
                >
                  {trans.__('Cancel run')}
                </button>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
