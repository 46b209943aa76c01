import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { launchIcon, refreshIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient, Job, Run, RunState } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { ErrorMessage, IconButton, announce, toShownError, usePolling } from '@turing/ui';
import React, { useEffect, useMemo, useRef, useState } from 'react';

import { isActive } from './format';
import {
  deleteWithConfirmation,
  runAgain,
  runNow,
  toggleSuspend,
  updateInputFromNotebook,
} from './job-actions';
import type { JobFilter, JobSort } from './job-filter';
import { NO_FILTER, filterAndSortJobs } from './job-filter';
import { JobFilterBar } from './job-filter-bar';
import type { JobAction } from './job-list';
import { JobList } from './job-list';
import type { JobRef } from './job-requests';
import { cancelRun, jobKey, listRuns, sameJob } from './job-requests';
import { JobRunsSection } from './job-runs-section';
import { runStateLabel } from './labels';
import { openRunOutput, openRunOutputAtFailingCell } from './open-output';
import { runStateChanges, runStates } from './run-announcements';
import type { RunAction } from './run-list';
import type { PanelSettings } from './settings';
import { CommandIDs } from './tokens';
import { useInputStatus } from './use-input-status';

/** A request to show a job (and one of its runs), e.g. from `turing:open-jobs`. */
export interface RevealRequest {
  job?: string;
  /** The job's owner; default the home's owner. */
  owner?: string;
  run?: string;
  /** Why an action on the job failed elsewhere (e.g. the run the Schedule dialog could not start), shown in the panel's alert. */
  error?: ShownError;
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
  /** Opens a run's live log in the main area; no such button without it. */
  openRunLog?: (run: Run) => void;
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

/**
 * The jobs panel: a filter bar, compact job cards, and the selected job's
 * runs, chart and log expanded right under its card.
 */
export function JobsView(props: JobsViewProps): React.ReactElement {
  const { client, contents, commands, docManager, settings, request, refreshes, isVisible } = props;
  const { editJob, onSelectedChange, openRunLog, trans } = props;
  // Whose home this server is: admins also see other users' jobs, whose notebooks are not here.
  const homeOwner = client.connection.hub.user;
  const [selected, setSelected] = useState<JobRef | null>(null);
  const [selectedRun, setSelectedRun] = useState<string | null>(null);
  const [busyJobs, setBusyJobs] = useState<ReadonlySet<string>>(new Set());
  const [busyRuns, setBusyRuns] = useState<ReadonlySet<string>>(new Set());
  const [actionError, setActionError] = useState<ShownError | null>(null);
  const [filter, setFilter] = useState<JobFilter>(NO_FILTER);
  const [sort, setSort] = useState<JobSort>('name');
  const listRef = useRef<HTMLDivElement>(null);

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
  const labelOf = (job: JobRef) => (job.owner === homeOwner ? job.name : `${job.owner}/${job.name}`);

  useEffect(() => {
    onSelectedChange(selected);
    // The expanded card stays in view (e.g. after "Show job" from a command).
    if (selected && listRef.current) {
      const selector = `[data-testid="job-${CSS.escape(selected.name)}"][data-owner="${CSS.escape(selected.owner)}"]`;
      listRef.current.querySelector(selector)?.scrollIntoView?.({ block: 'nearest' });
    }
  }, [selected]);

  // Screen-reader users hear the selected job's runs change state ("Run 3 of daily-ctr failed").
  const seenStates = useRef<{ key: string; states: Map<string, RunState> } | null>(null);
  useEffect(() => {
    const items = runs.data?.items;
    if (!selected || !items) {
      return;
    }
    const key = jobKey(selected);
    const previous = seenStates.current?.key === key ? seenStates.current.states : null;
    for (const change of runStateChanges(previous, items)) {
      announce(
        trans.__('Run %1 of %2 %3', change.number, labelOf(selected), runStateLabel(change.run.state, trans)),
      );
    }
    seenStates.current = { key, states: runStates(items) };
  }, [runs.data]);

  // The runs poll fast while one is active, the jobs list slowly: when the
  // selected job's newest run changes state, its card follows.
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
    if (request.error) {
      setActionError(request.error);
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

  const ctx = { client, contents, homeOwner, trans };
  const onJobAction = (job: Job, action: JobAction): void => {
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

  const openJobsView = (job?: JobRef): void => {
    void commands
      .execute(CommandIDs.openJobsView, job ? { job: job.name, user: job.owner } : {})
      .catch((error: unknown) => setActionError(toShownError(error)));
  };

  const outputContext = { client, contents, commands, docManager, directory: settings.outputDirectory };
  const onRunAction = (run: Run, action: RunAction): void => {
    if (action === 'log') {
      setSelectedRun((current) => (current === run.id ? null : run.id));
      return;
    }
    if (action === 'log-main-area') {
      openRunLog?.(run);
      return;
    }
    const mark = (on: boolean) => setBusyRuns((s) => toggled(s, run.id, on));
    void perform(mark, async () => {
      if (action === 'cancel') {
        await cancelRun(client, run);
        runs.reload();
      } else if (action === 'run-again') {
        const next = await runAgain(run, ctx);
        setSelectedRun(next.id);
        runs.reload();
      } else if (action === 'open-failing-cell') {
        await openRunOutputAtFailingCell(run, outputContext);
      } else {
        await openRunOutput(run, outputContext);
      }
    });
  };

  const allJobs = jobs.data?.items ?? [];
  const shownJobs = useMemo(() => filterAndSortJobs(allJobs, filter, sort), [jobs.data, filter, sort]);
  const filtered = shownJobs.length !== allJobs.length;
  return (
    <div className="jp-Turing-Panel jp-Turing-Jobs-view" ref={listRef}>
      <div className="jp-Turing-Panel-header">
        <h2 className="jp-Turing-Panel-title">{trans.__('Turing Jobs')}</h2>
        <div className="jp-Turing-Jobs-headerButtons">
          <IconButton
            icon={launchIcon}
            label={trans.__('Open the jobs table in the main area')}
            testId="jobs-open-table"
            onClick={() => openJobsView()}
          />
          <IconButton
            icon={refreshIcon}
            label={trans.__('Refresh jobs')}
            onClick={() => (jobs.reload(), runs.reload())}
          />
        </div>
      </div>
      {actionError && <ErrorMessage error={actionError} trans={trans} testId="jobs-action-error" />}
      {jobs.error && <ErrorMessage error={jobs.error} trans={trans} testId="jobs-load-error" />}
      {!jobs.data && !jobs.error && <div className="jp-Turing-Hint">{trans.__('Loading jobs…')}</div>}
      {jobs.data && allJobs.length === 0 && (
        <div className="jp-Turing-Hint" data-testid="jobs-empty">
          {trans.__('No jobs yet. Open a notebook and press Schedule in its toolbar.')}
        </div>
      )}
      {allJobs.length > 0 && (
        <JobFilterBar filter={filter} sort={sort} onFilter={setFilter} onSort={setSort} trans={trans} />
      )}
      {filtered && (
        <div className="jp-Turing-Hint" role="status" data-testid="jobs-filter-count">
          {trans.__('%1 of %2 jobs', shownJobs.length, allJobs.length)}
        </div>
      )}
      {shownJobs.length > 0 && (
        <JobList
          jobs={shownJobs}
          selected={selected ? jobKey(selected) : null}
          inputStatus={inputStatus}
          homeOwner={homeOwner}
          busy={busyJobs}
          onSelect={(picked) => {
            setSelected(sameJob(picked, selected) ? null : { name: picked.name, owner: picked.owner });
            setSelectedRun(null);
          }}
          onAction={onJobAction}
          onOpenInMainArea={(job) => openJobsView(job)}
          renderExpanded={(job) => (
            <JobRunsSection
              client={client}
              job={job}
              label={labelOf(job)}
              runs={runs}
              selectedRun={selectedRun}
              busyRuns={busyRuns}
              inputStatus={job.owner === homeOwner ? inputStatus[job.name] : undefined}
              pollMs={settings.activePollSeconds * 1000}
              onRunAction={onRunAction}
              onCloseLog={() => setSelectedRun(null)}
              logInMainArea={!!openRunLog}
              onOpenInMainArea={() => openJobsView(job)}
              trans={trans}
            />
          )}
          trans={trans}
        />
      )}
    </div>
  );
}
