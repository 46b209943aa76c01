import type { TranslationBundle } from '@jupyterlab/translation';
import type { Run } from '@turing/client';
import type { TableColumn } from '@turing/ui';
import { DataTable, ProgressBar, StatusBadge } from '@turing/ui';
import React, { useMemo } from 'react';

import { elapsedSeconds, formatDuration, isActive } from '../format';
import { runStateLabel, runStateTone, triggerLabel } from '../labels';
import { progressTone, runNumber } from '../run-list';
import { ZonedTime } from './job-timing';

/**
 * What a run row offers: its log, its output notebook (at the cell that
 * raised, for a failed run), cancelling it, and a new run with its parameters.
 */
export type RunTableAction = 'log' | 'open-output' | 'open-failing-cell' | 'cancel' | 'run-again';

/** Props of {@link RunsTable}. */
export interface RunsTableProps {
  runs: readonly Run[];
  /** The run whose log is shown. */
  selectedRun: string | null;
  /** Ids of runs with an action in flight. */
  busy: ReadonlySet<string>;
  /** Whether a new run can start now (not while the job has an action in flight). */
  canRunAgain: boolean;
  onAction: (run: Run, action: RunTableAction) => void;
  trans: TranslationBundle;
}

const started = (run: Run): number => Date.parse(run.startedAt ?? run.createdAt);

/** How far a run got, coloured by outcome: "cell 2 of 5", or where a failed run stopped. */
function RunProgress({ run, trans }: { run: Run; trans: TranslationBundle }): React.ReactElement | null {
  if (!run.progress || run.progress.cells <= 0 || run.state === 'succeeded' || run.state === 'cancelled') {
    return null;
  }
  const { cell, cells } = run.progress;
  const text = isActive(run)
    ? trans.__('cell %1 of %2', cell, cells)
    : trans.__('stopped at cell %1 of %2', cell, cells);
  return (
    <span className="jp-Turing-JobsMain-progress">
      <ProgressBar
        value={cell}
        max={cells}
        label={trans.__('Progress of run %1', run.id)}
        valueText={text}
        tone={progressTone(run.state)}
      />
      <span className="jp-Turing-JobsMain-muted">{text}</span>
    </span>
  );
}

/** A button of a run row, named after the run (a row of "Log" buttons would all read the same). */
function RunButton(props: {
  label: string;
  name: string;
  onClick: () => void;
  disabled?: boolean;
  pressed?: boolean;
  warn?: boolean;
  title?: string;
}): React.ReactElement {
  return (
    <button
      type="button"
      className={`jp-mod-styled jp-Turing-Button jp-Turing-SmallButton${props.warn ? ' jp-mod-warn' : ''}`}
      aria-label={props.name}
      aria-pressed={props.pressed}
      title={props.title}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}

/** A job's runs (newest first by default): state, trigger, start, duration, attempts and the run actions. */
export function RunsTable(props: RunsTableProps): React.ReactElement {
  const { runs, selectedRun, busy, canRunAgain, onAction, trans } = props;
  const columns = useMemo<TableColumn<Run>[]>(
    () => [
      {
        id: 'number',
        header: trans.__('#'),
        cell: (run) => String(runNumber(runs, run)),
        sortValue: (run) => runNumber(runs, run),
        className: 'jp-Turing-JobsMain-number',
      },
      {
        id: 'run',
        header: trans.__('Run'),
        cell: (run) => <span className="jp-Turing-Jobs-mono">{run.id}</span>,
        sortValue: (run) => run.id,
      },
      {
        id: 'trigger',
        header: trans.__('Trigger'),
        cell: (run) => triggerLabel(run.trigger, trans),
        sortValue: (run) => run.trigger,
      },
      {
        id: 'state',
        header: trans.__('State'),
        cell: (run) => (
          <span className="jp-Turing-JobsMain-runState">
            <StatusBadge tone={runStateTone(run.state)} testId={`runs-table-state-${run.id}`}>
              {runStateLabel(run.state, trans)}
            </StatusBadge>
            <RunProgress run={run} trans={trans} />
          </span>
        ),
        sortValue: (run) => run.state,
      },
      {
        id: 'started',
        header: trans.__('Started'),
        cell: (run) => <ZonedTime iso={run.startedAt ?? run.createdAt} trans={trans} />,
        sortValue: started,
      },
      {
        id: 'duration',
        header: trans.__('Duration'),
        cell: (run) => {
          const seconds = elapsedSeconds(run);
          return seconds === undefined ? '' : formatDuration(seconds, trans);
        },
        sortValue: (run) => elapsedSeconds(run) ?? NaN,
        className: 'jp-Turing-JobsMain-number',
      },
      {
        id: 'attempts',
        header: trans.__('Attempt'),
        cell: (run) => String(run.attempt),
        sortValue: (run) => run.attempt,
        className: 'jp-Turing-JobsMain-number',
      },
      {
        id: 'actions',
        header: trans.__('Actions'),
        cell: (run) => {
          const hasOutput = run.artifacts.includes('output.ipynb');
          const shown = run.id === selectedRun;
          return (
            <div className="jp-Turing-ButtonRow">
              <RunButton
                label={shown ? trans.__('Hide log') : trans.__('Log')}
                name={
                  shown
                    ? trans.__('Hide the log of run %1', run.id)
                    : trans.__('Show the log of run %1', run.id)
                }
                pressed={shown}
                onClick={() => onAction(run, 'log')}
              />
              <RunButton
                label={trans.__('Output')}
                name={trans.__('Open the output of run %1', run.id)}
                disabled={!hasOutput || busy.has(run.id)}
                title={hasOutput ? undefined : trans.__('This run has no output notebook (yet).')}
                onClick={() => onAction(run, 'open-output')}
              />
              {(run.state === 'failed' || run.state === 'timed_out') && hasOutput && (
                <RunButton
                  label={trans.__('Failing cell')}
                  name={trans.__('Open the output of run %1 at the failing cell', run.id)}
                  disabled={busy.has(run.id)}
                  onClick={() => onAction(run, 'open-failing-cell')}
                />
              )}
              {isActive(run) ? (
                <RunButton
                  label={trans.__('Cancel')}
                  name={trans.__('Cancel run %1', run.id)}
                  warn
                  disabled={busy.has(run.id)}
                  onClick={() => onAction(run, 'cancel')}
                />
              ) : (
                <RunButton
                  label={trans.__('Run again')}
                  name={trans.__('Run again with the parameters of run %1', run.id)}
                  disabled={!canRunAgain || busy.has(run.id)}
                  onClick={() => onAction(run, 'run-again')}
                />
              )}
            </div>
          );
        },
      },
    ],
    [runs, selectedRun, busy, canRunAgain, onAction, trans],
  );
  return (
    <DataTable
      rows={runs}
      columns={columns}
      rowKey={(run) => run.id}
      label={trans.__('Runs')}
      initialSort={{ column: 'started', direction: 'descending' }}
      selectedKey={selectedRun}
      emptyText={trans.__('No runs yet. Press Run now to start one.')}
      testId="runs-table"
      trans={trans}
    />
  );
}
