import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient, Job, Run } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { ErrorMessage, IconButton, toShownError, usePolling } from '@turing/ui';
import React, { useEffect, useMemo, useState } from 'react';

import { DurationChart } from './duration-chart';
import { isActive } from './format';
import { deleteWithConfirmation, runNow, toggleSuspend, updateInputFromNotebook } from './job-actions';
import type { JobAction } from './job-list';
import { JobList } from './job-list';
import type { JobRef } from './job-requests';
import { cancelRun, jobKey, listRuns, sameJob } from './job-requests';
import { openRunOutput } from './open-output';
import type { RunAction } from './run-list';
import { RunList } from './run-list';
import { RunLog } from './run-log';
import type { PanelSettings } from './settings';
import { useInputStatus } from './use-input-status';

/** A request to show a job (and one of its runs), e.g. from `turing:open-jobs`. */
export interface RevealRequest {
  job?: string;
  /** The job's owner; default the home's owner. */
  owner?: string;
  run?: string;
  serial: number;
}

/** Props of {@link JobsView}. */
export interface JobsViewProps {
  client: ITuringClient;
  contents: Contents.IManager;
  commands: CommandRegistry;
  docManager: IDocumentManager | null;
  settings: PanelSettings;
  request: RevealRequest;
  /** Bumped to reload the lists (e.g. when the panel is shown again). */
  refreshes: number;
  /** Whether the panel is shown (polling pauses while it is not). */
  isVisible: () => boolean;
  /** Opens the Schedule dialog on a job; resolves with the saved job or `null`. */
  editJob: (job: Job) => Promise<Job | null>;
  /** Told which job is selected (for commands acting on "the selected job"). */
  onSelectedChange: (job: JobRef | null) => void;
  trans: TranslationBundle;
}

/** Adds or removes a key of a set held in state. */
function toggled<T>(set: ReadonlySet<T>, key: T, on: boolean): Set<T> {
  const next = new Set(set);
  if (on) {
    next.add(key);
  } else {
    next.delete(key);
  }
  return next;
}

/** The jobs panel: job definitions, the selected job's runs, chart and log. */
export function JobsView(props: JobsViewProps): React.ReactElement {
  const {
    client,
    contents,
    commands,
    docManager,
    settings,
    request,
    refreshes,
    isVisible,
    editJob,
    onSelectedChange,
    trans,
  } = props;
  // Whose home this server is: admins also see other users' jobs, whose notebooks are not here.
  const homeOwner = client.connection.hub.user;
  const [selected, setSelected] = useState<JobRef | null>(null);
  const [selectedRun, setSelectedRun] = useState<string | null>(null);
  const [busyJobs, setBusyJobs] = useState<ReadonlySet<string>>(new Set());
  const [busyRuns, setBusyRuns] = useState<ReadonlySet<string>>(new Set());
  const [actionError, setActionError] = useState<ShownError | null>(null);

  const jobs = usePolling(
    'jobs',
    () => client.jobs.list(),
    () => settings.listRefreshSeconds * 1000,
    () => !isVisible(),
  );
  const runs = usePolling(
    selected ? jobKey(selected) : null,
    () => (selected ? listRuns(client, selected) : Promise.resolve({ items: [] })),
    (data) => (data?.items.some(isActive) ? settings.activePollSeconds : settings.listRefreshSeconds) * 1000,
    () => !isVisible(),
  );
  // Memoised: the hook re-reads the files whenever the array changes.
  const homeJobs = useMemo(
    () => jobs.data?.items.filter((j) => j.owner === homeOwner) ?? null,
    [jobs.data, homeOwner],
  );
  const inputStatus = useInputStatus(contents, homeJobs);

  useEffect(() => {
    onSelectedChange(selected);
  }, [selected]);

  // The runs poll fast while one is active, the jobs list slowly: when the
  // selected job's newest run changes state, its "Last run" line follows.
  const newestRun = runs.data?.items[0];
  const newestRunState = newestRun ? `${newestRun.id} ${newestRun.state}` : '';
  useEffect(() => {
    const shown = jobs.data?.items.find((j) => sameJob(j, selected))?.lastRun;
    if (newestRun && (shown?.id !== newestRun.id || shown.state !== newestRun.state)) {
      jobs.reload();
    }
  }, [newestRunState]);

  useEffect(() => {
    if (refreshes > 0) {
      jobs.reload();
      runs.reload();
    }
  }, [refreshes]);

  useEffect(() => {
    if (request.serial === 0) {
      return;
    }
    if (request.job) {
      setSelected({ name: request.job, owner: request.owner ?? homeOwner });
      setSelectedRun(request.run ?? null);
    }
    jobs.reload();
    runs.reload();
  }, [request]);

  const perform = async <T,>(
    mark: (on: boolean) => void,
    action: () => Promise<T>,
  ): Promise<T | undefined> => {
    mark(true);
    setActionError(null);
    try {
      return await action();
    } catch (error) {
      setActionError(toShownError(error));
      return undefined;
    } finally {
      mark(false);
    }
  };

  const onJobAction = (job: Job, action: JobAction): void => {
    const ctx = { client, contents, homeOwner, trans };
    const mark = (on: boolean) => setBusyJobs((s) => toggled(s, jobKey(job), on));
    void perform(mark, async () => {
      if (action === 'toggle-suspend') {
        await toggleSuspend(job, ctx);
      } else if (action === 'run') {
        const run = await runNow(job, ctx);
        setSelected({ name: job.name, owner: job.owner });
        setSelectedRun(run.id);
        runs.reload();
      } else if (action === 'edit') {
        await editJob(job);
      } else if (action === 'delete') {
        if ((await deleteWithConfirmation(job, ctx)) && sameJob(selected, job)) {
          setSelected(null);
          setSelectedRun(null);
        }
      } else {
        await updateInputFromNotebook(job, ctx);
      }
    }).finally(() => jobs.reload());
  };

  const onRunAction = (run: Run, action: RunAction): void => {
    if (action === 'log') {
      setSelectedRun((current) => (current === run.id ? null : run.id));
      return;
    }
    const mark = (on: boolean) => setBusyRuns((s) => toggled(s, run.id, on));
    void perform(mark, async () => {
      if (action === 'cancel') {
        await cancelRun(client, run);
        runs.reload();
      } else {
        await openRunOutput(run, {
          client,
          contents,
          commands,
          docManager,
          directory: settings.outputDirectory,
        });
      }
    });
  };

  const jobList = jobs.data?.items ?? [];
  const job = jobList.find((j) => sameJob(j, selected));
  // Another user's job says whose it is.
  const selectedLabel = selected
    ? selected.owner === homeOwner
      ? selected.name
      : `${selected.owner}/${selected.name}`
    : '';
  const runList = runs.data?.items ?? [];
  const logRun = runList.find((r) => r.id === selectedRun);
  return (
    <div className="jp-Turing-Panel">
      <div className="jp-Turing-Panel-header">
        <span className="jp-Turing-Panel-title">{trans.__('Jobs')}</span>
        <IconButton
          icon={refreshIcon}
          label={trans.__('Refresh jobs')}
          onClick={() => (jobs.reload(), runs.reload())}
        />
      </div>
      {actionError && <ErrorMessage error={actionError} trans={trans} testId="jobs-action-error" />}
      {jobs.error && <ErrorMessage error={jobs.error} trans={trans} testId="jobs-load-error" />}
      {!jobs.data && !jobs.error && <div className="jp-Turing-Hint">{trans.__('Loading jobs…')}</div>}
      {jobs.data && jobList.length === 0 && (
        <div className="jp-Turing-Hint" data-testid="jobs-empty">
          {trans.__('No jobs yet. Open a notebook and press Schedule in its toolbar.')}
        </div>
      )}
      {jobList.length > 0 && (
        <JobList
          jobs={jobList}
          selected={selected ? jobKey(selected) : null}
          inputStatus={inputStatus}
          homeOwner={homeOwner}
          busy={busyJobs}
          onSelect={(picked) => {
            setSelected(sameJob(picked, selected) ? null : { name: picked.name, owner: picked.owner });
            setSelectedRun(null);
          }}
          onAction={onJobAction}
          trans={trans}
        />
      )}
      {selected && (
        <section
          className="jp-Turing-Jobs-details"
          aria-label={trans.__('Runs of %1', selectedLabel)}
          data-testid="job-runs"
          data-owner={selected.owner}
        >
          <h3 className="jp-Turing-Jobs-detailsTitle">{trans.__('Runs of %1', selectedLabel)}</h3>
          {runs.error && <ErrorMessage error={runs.error} trans={trans} testId="runs-load-error" />}
          {!runs.data && !runs.error && <div className="jp-Turing-Hint">{trans.__('Loading runs…')}</div>}
          {runs.data && (
            <>
              <DurationChart jobName={selected.name} runs={runList} trans={trans} />
              <RunList
                runs={runList}
                selectedRun={selectedRun}
                busy={busyRuns}
                onAction={onRunAction}
                trans={trans}
              />
            </>
          )}
          {job?.alertDeliveries.some((d) => !d.delivered) && (
            <div className="jp-Turing-Warning">
              {trans.__('Some alerts of this job could not be delivered.')}
            </div>
          )}
        </section>
      )}
      {logRun && (
        <RunLog
          key={logRun.id}
          client={client}
          run={logRun}
          pollMs={settings.activePollSeconds * 1000}
          onClose={() => setSelectedRun(null)}
          trans={trans}
        />
      )}
    </div>
  );
}
