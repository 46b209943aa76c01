import type { TranslationBundle } from '@jupyterlab/translation';
import type { ITuringClient, Job, Run } from '@turing/client';
import type { Polled } from '@turing/ui';
import { ErrorMessage } from '@turing/ui';
import React from 'react';

import { DurationChart } from './duration-chart';
import { browserTimeZone, formatTimeWithZone } from './format';
import type { RunAction } from './run-list';
import { RunList } from './run-list';
import { RunLog } from './run-log';
import type { InputStatus } from './use-input-status';

/** How many runs the panel lists; the main area shows them all. */
export const PANEL_RUNS = 5;

/** Props of {@link JobRunsSection}. */
export interface JobRunsSectionProps {
  client: ITuringClient;
  job: Job;
  /** The job as the panel names it: `name`, or `owner/name` for another user's. */
  label: string;
  runs: Polled<{ items: Run[] }>;
  selectedRun: string | null;
  busyRuns: ReadonlySet<string>;
  inputStatus: InputStatus | undefined;
  pollMs: number;
  onRunAction: (run: Run, action: RunAction) => void;
  onCloseLog: () => void;
  /** Whether runs offer "Open log in main area". */
  logInMainArea?: boolean;
  /** Opens the job's detail page (all its runs) in the main area. */
  onOpenInMainArea?: () => void;
  trans: TranslationBundle;
}

/**
 * The selected job's runs, shown right under its card: its schedule in its
 * zone, a duration chart, the latest runs (each log opens under its run) and
 * a way to all runs in the main area.
 */
export function JobRunsSection(props: JobRunsSectionProps): React.ReactElement {
  const { client, job, label, runs, selectedRun, busyRuns, inputStatus, pollMs, trans } = props;
  const { onRunAction, onCloseLog, onOpenInMainArea } = props;
  const zone = job.schedule?.timezone ?? browserTimeZone();
  const runList = runs.data?.items ?? [];
  return (
    <section
      className="jp-Turing-Jobs-details"
      aria-label={trans.__('Runs of %1', label)}
      data-testid="job-runs"
      data-owner={job.owner}
    >
      <div className="jp-Turing-Jobs-detailsMeta">
        {job.schedule && (
          <div data-testid={`job-schedule-${job.name}`} title={job.schedule.cron}>
            {trans.__('%1 (%2)', job.schedule.description, job.schedule.timezone)}
          </div>
        )}
        {job.lastRun?.finishedAt && (
          <div>
            {trans.__(
              'Last run finished %1',
              formatTimeWithZone(job.lastRun.finishedAt, zone, { now: Date.now() }),
            )}
          </div>
        )}
        {runList.length > 0 && <div>{trans.__('Run times in %1, 24-hour clock.', zone)}</div>}
      </div>
      {inputStatus === 'missing' && (
        <div className="jp-Turing-Hint" data-testid={`job-input-missing-${job.name}`}>
          {trans.__('The source notebook %1 is gone; the job keeps its snapshot.', job.notebook.path)}
        </div>
      )}
      {job.alertDeliveries.some((d) => !d.delivered) && (
        <div className="jp-Turing-Warning">{trans.__('Some alerts of this job could not be delivered.')}</div>
      )}
      {runs.error && <ErrorMessage error={runs.error} trans={trans} testId="runs-load-error" />}
      {!runs.data && !runs.error && <div className="jp-Turing-Hint">{trans.__('Loading runs…')}</div>}
      {runs.data && (
        <>
          <DurationChart jobName={label} runs={runList} trans={trans} />
          <RunList
            runs={runList}
            maxRuns={PANEL_RUNS}
            selectedRun={selectedRun}
            busy={busyRuns}
            onAction={onRunAction}
            jobLabel={label}
            timeZone={zone}
            extraActions={
              props.logInMainArea
                ? ['open-failing-cell', 'run-again', 'log-main-area']
                : ['open-failing-cell', 'run-again']
            }
            renderLog={(run) => (
              <RunLog
                key={run.id}
                client={client}
                run={run}
                pollMs={pollMs}
                onClose={onCloseLog}
                title={trans.__('Log of %1', run.id)}
                trans={trans}
              />
            )}
            trans={trans}
          />
          {runList.length > PANEL_RUNS && onOpenInMainArea && (
            <button
              type="button"
              className="jp-mod-styled jp-Turing-SmallButton jp-Turing-Jobs-allRuns"
              onClick={onOpenInMainArea}
            >
              {trans.__('All %1 runs of %2 in the main area', runList.length, label)}
            </button>
          )}
        </>
      )}
    </section>
  );
}
