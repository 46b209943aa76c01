import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient, Job, Run } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { ErrorMessage, IconButton, announce, toShownError, usePolling } from '@turing/ui';
import React, { useCallback, useEffect, useRef, useState } from 'react';

import { DurationChart } from '../duration-chart';
import { isActive } from '../format';
import type { JobRef } from '../job-requests';
import { cancelRun, jobKey, listRuns } from '../job-requests';
import { runStateLabel } from '../labels';
import { runAgain } from '../job-actions';
import { openRunOutput, openRunOutputAtFailingCell } from '../open-output';
import { RunLog } from '../run-log';
import { JobDefinition } from './job-definition';
import { JobHeader } from './job-header';
import type { RunStates } from './run-changes';
import { changedRuns, runStates } from './run-changes';
import type { RunTableAction } from './runs-table';
import { RunsTable } from './runs-table';
import type { JobActions } from './use-job-actions';
import type { MainAreaSettings } from './view-settings';

/** Props of {@link JobDetailPage}. */
export interface JobDetailPageProps {
  jobRef: JobRef;
  /** The job as last listed; `null` while loading, or when it is gone. */
  job: Job | null;
  jobsLoaded: boolean;
  /** The run whose log shows first. */
  initialRun: string | null;
  client: ITuringClient;
  contents: Contents.IManager;
  commands: CommandRegistry;
  docManager: IDocumentManager | null;
  settings: MainAreaSettings;
  actions: JobActions;
  isVisible: () => boolean;
  refreshes: number;
  /** The job list is stale (a run changed state): reload it. */
  onJobsStale: () => void;
  /** Back to the table; `deleted`: the job was just deleted. */
  onBack: (deleted: boolean) => void;
  trans: TranslationBundle;
}

/** Tells screen-reader users when a run of the page's job changes state (not on the first load). */
function useRunAnnouncements(
  jobName: string,
  runs: readonly Run[] | undefined,
  trans: TranslationBundle,
): void {
  const seen = useRef<RunStates | null>(null);
  useEffect(() => {
    if (!runs) {
      return;
    }
    for (const run of changedRuns(seen.current, runs)) {
      announce(trans.__('Run %1 of %2: %3', run.id, jobName, runStateLabel(run.state, trans)));
    }
    seen.current = runStates(runs);
  }, [runs]);
}

/** A job's page: header with actions, definition, runs table, duration chart, the selected run's log, outputs. */
export function JobDetailPage(props: JobDetailPageProps): React.ReactElement {
  const { jobRef, job, jobsLoaded, client, contents, commands, docManager, settings, actions, trans } = props;
  const { isVisible, refreshes, onJobsStale, onBack } = props;
  const [selectedRun, setSelectedRun] = useState<string | null>(props.initialRun);
  const [busyRuns, setBusyRuns] = useState<ReadonlySet<string>>(new Set());
  const [runError, setRunError] = useState<ShownError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const runs = usePolling(
    jobKey(jobRef),
    () => listRuns(client, jobRef),
    (data) => (data?.items.some(isActive) ? settings.activePollSeconds : settings.listRefreshSeconds) * 1000,
    () => !isVisible(),
  );
  const runList = runs.data?.items;
  useRunAnnouncements(jobRef.name, runList, trans);

  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    if (refreshes > 0) {
      runs.reload();
    }
  }, [refreshes]);

  // The list's "last run" follows the newest run's state.
  const newest = runList?.[0];
  const newestState = newest ? `${newest.id} ${newest.state}` : '';
  useEffect(() => {
    if (newest && (job?.lastRun?.id !== newest.id || job.lastRun.state !== newest.state)) {
      onJobsStale();
    }
  }, [newestState]);

  const onRunAction = useCallback(
    (run: Run, action: RunTableAction): void => {
      if (action === 'log') {
        setSelectedRun((current) => (current === run.id ? null : run.id));
        return;
      }
      const mark = (on: boolean) =>
        setBusyRuns((s) => {
          const next = new Set(s);
          if (on) {
            next.add(run.id);
          } else {
            next.delete(run.id);
          }
          return next;
        });
      mark(true);
      setRunError(null);
      const act = async (): Promise<void> => {
        if (action === 'cancel') {
          await cancelRun(client, run);
          announce(trans.__('Cancelling run %1.', run.id));
        } else if (action === 'run-again') {
          const again = await runAgain(run, {
            client,
            contents,
            homeOwner: client.connection.hub.user,
            trans,
          });
          announce(trans.__('Run %1 of job %2 started.', again.id, run.job));
          setSelectedRun(again.id);
        } else {
          const output = { client, contents, commands, docManager, directory: settings.outputDirectory };
          await (action === 'open-failing-cell'
            ? openRunOutputAtFailingCell(run, output)
            : openRunOutput(run, output));
        }
      };
      act()
        .catch((error: unknown) => setRunError(toShownError(error)))
        .finally(() => {
          mark(false);
          runs.reload();
        });
    },
    [client, contents, commands, docManager, settings.outputDirectory, trans, runs.reload],
  );

  const runNow = async (): Promise<void> => {
    if (!job) {
      return;
    }
    const started = await actions.perform(job, 'run');
    if (started && typeof started === 'object') {
      setSelectedRun(started.id);
      runs.reload();
    }
  };

  const logRun = runList?.find((r) => r.id === selectedRun);
  const withOutput = runList?.find((r) => r.artifacts.includes('output.ipynb'));
  const label = job && job.owner !== client.connection.hub.user ? `${job.owner}/${job.name}` : jobRef.name;
  return (
    <article
      className="jp-Turing-JobDetail"
      aria-labelledby="jp-Turing-JobDetail-title"
      data-testid="job-detail-page"
    >
      <nav className="jp-Turing-View-row jp-Turing-JobDetail-nav" aria-label={trans.__('Job navigation')}>
        <button
          type="button"
          className="jp-Turing-View-link jp-Turing-JobsMain-link"
          data-testid="job-detail-back"
          onClick={() => onBack(false)}
        >
          <span aria-hidden="true">← </span>
          {trans.__('All jobs')}
        </button>
        <IconButton
          icon={refreshIcon}
          label={trans.__('Refresh job %1', jobRef.name)}
          onClick={() => (onJobsStale(), runs.reload())}
        />
      </nav>
      <JobHeader
        headingRef={heading}
        title={label}
        job={job}
        viewer={client.connection.hub.user}
        busy={actions.busy.has(jobKey(jobRef))}
        onRunNow={() => void runNow()}
        onAction={async (action) => {
          if (job && (await actions.perform(job, action)) === true && action === 'delete') {
            onBack(true);
          }
        }}
        trans={trans}
      />
      {actions.error && <ErrorMessage error={actions.error} trans={trans} testId="job-detail-action-error" />}
      {jobsLoaded && !job && (
        <div className="jp-Turing-Hint" data-testid="job-detail-missing">
          {trans.__('Job %1 does not exist (any more).', label)}
        </div>
      )}
      {job && (
        <section aria-labelledby="jp-Turing-JobDetail-definition" className="jp-Turing-JobDetail-section">
          <h2 id="jp-Turing-JobDetail-definition">{trans.__('Definition')}</h2>
          <JobDefinition job={job} trans={trans} />
        </section>
      )}
      <section aria-labelledby="jp-Turing-JobDetail-runs" className="jp-Turing-JobDetail-section">
        <h2 id="jp-Turing-JobDetail-runs">{trans.__('Runs')}</h2>
        {runs.error && <ErrorMessage error={runs.error} trans={trans} testId="job-detail-runs-error" />}
        {runError && <ErrorMessage error={runError} trans={trans} testId="job-detail-run-error" />}
        {!runList && !runs.error && <div className="jp-Turing-Hint">{trans.__('Loading runs…')}</div>}
        {runList && (
          <>
            <div className="jp-Turing-JobDetail-chart">
              <DurationChart jobName={jobRef.name} runs={runList} trans={trans} />
            </div>
            <RunsTable
              runs={runList}
              selectedRun={selectedRun}
              busy={busyRuns}
              canRunAgain={!actions.busy.has(jobKey(jobRef))}
              onAction={onRunAction}
              trans={trans}
            />
          </>
        )}
      </section>
      {logRun && (
        <section aria-labelledby="jp-Turing-JobDetail-log" className="jp-Turing-JobDetail-section">
          <h2 id="jp-Turing-JobDetail-log">{trans.__('Log of run %1', logRun.id)}</h2>
          <RunLog
            key={logRun.id}
            title={trans.__('Runner and notebook output')}
            client={client}
            run={logRun}
            pollMs={settings.activePollSeconds * 1000}
            onClose={() => setSelectedRun(null)}
            trans={trans}
          />
        </section>
      )}
      <section aria-labelledby="jp-Turing-JobDetail-outputs" className="jp-Turing-JobDetail-section">
        <h2 id="jp-Turing-JobDetail-outputs">{trans.__('Outputs')}</h2>
        {withOutput ? (
          <button
            type="button"
            className="jp-mod-styled jp-Turing-Button"
            disabled={busyRuns.has(withOutput.id)}
            data-testid="job-detail-latest-output"
            onClick={() => onRunAction(withOutput, 'open-output')}
          >
            {trans.__('Open the output of run %1', withOutput.id)}
          </button>
        ) : (
          <div className="jp-Turing-Hint">{trans.__('No run has an output notebook yet.')}</div>
        )}
      </section>
    </article>
  );
}
