import type { TranslationBundle } from '@jupyterlab/translation';
import type { Run } from '@turing/client';
import type { ProgressTone } from '@turing/ui';
import { ProgressBar, StatusBadge } from '@turing/ui';
import React from 'react';

import { elapsedSeconds, formatDateTime, formatDuration, formatZonedTime, isActive } from './format';
import { runStateLabel, runStateTone, triggerLabel } from './labels';
import { modelOutputLabel } from './model-output-form';

/** The actions of a run row. */
export type RunAction =
  | 'log'
  | 'open-output'
  | 'cancel'
  /** Open the output notebook at the cell that raised (failed runs). */
  | 'open-failing-cell'
  /** Start a new run with this run's parameters. */
  | 'run-again'
  /** Show the log in the main area. */
  | 'log-main-area';

/** Props of {@link RunList}. */
export interface RunListProps {
  runs: readonly Run[];
  /** The run whose log is shown. */
  selectedRun: string | null;
  /** Ids of runs with an action in flight. */
  busy: ReadonlySet<string>;
  onAction: (run: Run, action: RunAction) => void;
  trans: TranslationBundle;
  /** The job's name as the buttons name it ("Show log of run 3 of daily-ctr"); default the run's job. */
  jobLabel?: string;
  /** Times are shown in this zone (the job's) on the 24-hour clock; default the viewer's. */
  timeZone?: string;
  /** What shows right under the selected run (its log); nothing without it. */
  renderLog?: (run: Run) => React.ReactNode;
  /** List only the newest this many (numbered within all of `runs`); default all. */
  maxRuns?: number;
  /** Which extra actions to offer; default none of them (only log, output, cancel). */
  extraActions?: ReadonlyArray<'open-failing-cell' | 'run-again' | 'log-main-area'>;
}

/** The bar's colour by outcome: a failed run's bar is red, not a full blue one. */
export function progressTone(state: Run['state']): ProgressTone {
  switch (state) {
    case 'failed':
    case 'timed_out':
      return 'error';
    case 'succeeded':
      return 'success';
    case 'cancelled':
      return 'warning';
    default:
      return 'info';
  }
}

/** The number of each run in the list: the oldest listed is 1 (runs arrive newest first). */
export function runNumber(runs: readonly Pick<Run, 'id'>[], run: Pick<Run, 'id'>): number {
  const index = runs.findIndex((r) => r.id === run.id);
  return index < 0 ? 0 : runs.length - index;
}

/** "cell i of n" with a bar coloured by outcome, for a run that reports progress. */
function RunProgress({ run, trans }: { run: Run; trans: TranslationBundle }): React.ReactElement | null {
  if (!run.progress || run.progress.cells <= 0) {
    return null;
  }
  const { cell, cells } = run.progress;
  const failed = run.state === 'failed' || run.state === 'timed_out';
  const text = failed
    ? trans.__('stopped at cell %1 of %2', cell, cells)
    : trans.__('cell %1 of %2', cell, cells);
  return (
    <div className="jp-Turing-Jobs-progress" data-testid={`run-progress-${run.id}`}>
      <ProgressBar
        value={cell}
        max={cells}
        label={trans.__('Progress')}
        valueText={text}
        tone={progressTone(run.state)}
      />
      <span className="jp-Turing-Jobs-progressText">{text}</span>
    </div>
  );
}

/** The reason a run did not succeed: one line, expanding to the full text. */
function RunReason({ run, trans }: { run: Run; trans: TranslationBundle }): React.ReactElement | null {
  if (!run.reason || isActive(run) || run.state === 'succeeded') {
    return null;
  }
  const firstLine = run.reason.split('\n')[0] ?? run.reason;
  return (
    <details className="jp-Turing-Expandable jp-Turing-Jobs-reason" data-testid={`run-reason-${run.id}`}>
      <summary title={trans.__('Show the whole reason')}>{firstLine}</summary>
      {firstLine !== run.reason && <div className="jp-Turing-Expandable-body">{run.reason}</div>}
    </details>
  );
}

/** A job's runs, newest first, with state, trigger, progress, duration and actions. */
export function RunList(props: RunListProps): React.ReactElement {
  const { runs, selectedRun, busy, onAction, trans, timeZone, renderLog, extraActions = [] } = props;
  if (runs.length === 0) {
    return <div className="jp-Turing-Hint">{trans.__('No runs yet.')}</div>;
  }
  const offers = new Set(extraActions);
  return (
    <ul className="jp-Turing-CardList" aria-label={trans.__('Runs')} data-testid="run-list">
      {runs.slice(0, props.maxRuns ?? runs.length).map((run) => {
        const seconds = elapsedSeconds(run);
        const active = isActive(run);
        const hasOutput = run.artifacts.includes('output.ipynb');
        const published = modelOutputLabel(run, trans);
        const failed = run.state === 'failed' || run.state === 'timed_out';
        const at = run.startedAt ?? run.createdAt;
        // "run 3 of daily-ctr": every button names its run.
        const name = trans.__('run %1 of %2', runNumber(runs, run), props.jobLabel ?? run.job);
        const showsLog = run.id === selectedRun;
        return (
          <li
            key={run.id}
            className={`jp-Turing-Card${showsLog ? ' jp-mod-selected' : ''}`}
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
                <time dateTime={at} title={run.id}>
                  {timeZone ? formatZonedTime(at, timeZone) : formatDateTime(at)}
                </time>
                {seconds !== undefined ? ` · ${formatDuration(seconds, trans)}` : ''}
              </span>
            </div>
            <RunProgress run={run} trans={trans} />
            <RunReason run={run} trans={trans} />
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
                aria-pressed={showsLog}
                aria-label={trans.__('Show log of %1', name)}
                onClick={() => onAction(run, 'log')}
              >
                {trans.__('Log')}
              </button>
              {offers.has('log-main-area') && (
                <button
                  type="button"
                  className="jp-mod-styled jp-Turing-SmallButton"
                  aria-label={trans.__('Open log of %1 in main area', name)}
                  data-testid={`run-log-main-${run.id}`}
                  onClick={() => onAction(run, 'log-main-area')}
                >
                  {trans.__('Open log')}
                </button>
              )}
              <button
                type="button"
                className="jp-mod-styled jp-Turing-SmallButton"
                aria-label={trans.__('Open output of %1', name)}
                disabled={!hasOutput || busy.has(run.id)}
                title={hasOutput ? undefined : trans.__('This run has no output notebook (yet).')}
                onClick={() => onAction(run, 'open-output')}
              >
                {trans.__('Output')}
              </button>
              {failed && hasOutput && offers.has('open-failing-cell') && (
                <button
                  type="button"
                  className="jp-mod-styled jp-Turing-SmallButton"
                  aria-label={trans.__('Open failing cell of %1 in its output', name)}
                  data-testid={`run-failing-cell-${run.id}`}
                  disabled={busy.has(run.id)}
                  onClick={() => onAction(run, 'open-failing-cell')}
                >
                  {trans.__('Failing cell')}
                </button>
              )}
              {!active && offers.has('run-again') && (
                <button
                  type="button"
                  className="jp-mod-styled jp-Turing-SmallButton"
                  aria-label={trans.__('Run again: %1, same parameters', name)}
                  data-testid={`run-again-${run.id}`}
                  disabled={busy.has(run.id)}
                  onClick={() => onAction(run, 'run-again')}
                >
                  {trans.__('Run again')}
                </button>
              )}
              {active && (
                <button
                  type="button"
                  className="jp-mod-styled jp-mod-warn jp-Turing-SmallButton"
                  aria-label={trans.__('Cancel %1', name)}
                  disabled={busy.has(run.id)}
                  onClick={() => onAction(run, 'cancel')}
                >
                  {trans.__('Cancel run')}
                </button>
              )}
            </div>
            {showsLog && renderLog?.(run)}
          </li>
        );
      })}
    </ul>
  );
}
