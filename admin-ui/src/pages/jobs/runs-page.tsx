import type { TableColumn } from '@turing/ui/lib/data-table';
import { ErrorMessage, toShownError } from '@turing/ui/lib/error-message';
import type { ShownError } from '@turing/ui/lib/error-message';
import { announce } from '@turing/ui/lib/live-region';
import { ProgressBar } from '@turing/ui/lib/progress-bar';
import React, { useMemo, useState } from 'react';

import { useApi } from '../../api/api-context';
import { queryString } from '../../api/query-string';
import type { AdminJob, AdminRun } from '../../api/types';
import { pageTitle } from '../../app/pages';
import { trans } from '../../app/translation';
import { ActionButton } from '../../components/action-button';
import { useConfirm } from '../../components/confirm-dialog';
import { CursorTable } from '../../components/cursor-table';
import { PageHeading } from '../../components/page-heading';
import { textColumn } from '../../components/text-column';
import { TimeCell, timeSortValue } from '../../components/time-cell';
import { useCursorList } from '../../hooks/use-cursor-list';
import { useDebounced } from '../../hooks/use-debounced';
import { useResource } from '../../hooks/use-resource';
import { JobsTable, jobKey } from './jobs-table';
import { RunFiltersForm } from './run-filters-form';
import type { RunFilters } from './run-filters';
import { NO_RUN_FILTERS, isCancellable, runsQuery, shortRunId } from './run-filters';
import { RunStateBadge } from './run-state-badge';

/**
 * Every user's runs, newest first, filtered by user, job, state, environment
 * and time; cancel a run, pause or resume its job, open its log and output
 * (new tab, served sandboxed).
 */
export function RunsPage(): React.ReactElement {
  const api = useApi();
  const confirm = useConfirm();
  const [filters, setFilters] = useState<RunFilters>(NO_RUN_FILTERS);
  const settled = useDebounced(filters);
  const key = queryString(runsQuery(settled));
  const runs = useCursorList((cursor) => api.runs(runsQuery(settled, cursor)), key);
  const jobs = useResource(
    () => api.jobs({ user: settled.user, environment: settled.environment, q: settled.job, limit: 500 }),
    `jobs${settled.user}|${settled.environment}|${settled.job}`,
  );
  const [actionError, setActionError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (id: string, action: () => Promise<unknown>, done: string): Promise<void> => {
    setBusy(id);
    try {
      await action();
      setActionError(null);
      announce(done);
      await Promise.all([runs.reload(), jobs.reload()]);
    } catch (error) {
      const shown = toShownError(error);
      setActionError(shown);
      announce(shown.title, 'assertive');
    } finally {
      setBusy(null);
    }
  };

  const cancel = async (run: AdminRun): Promise<void> => {
    const name = trans.__('run %1 of %2', shortRunId(run.id, run.job), run.job);
    const accepted = await confirm({
      title: trans.__('Cancel %1?', name),
      body: trans.__('The run of %1 stops now; its log so far is kept.', run.owner),
      acceptLabel: trans.__('Cancel run'),
    });
    if (accepted) {
      await act(run.id, () => api.cancelRun(run.id, run.owner), trans.__('Cancelled %1.', name));
    }
  };

  const setSuspended = async (job: AdminJob, suspend: boolean): Promise<void> => {
    const name = trans.__('job %1 of %2', job.name, job.owner);
    await act(
      jobKey(job),
      () => api.setJobSuspended(job.name, job.owner, suspend),
      suspend ? trans.__('Paused %1.', name) : trans.__('Resumed %1.', name),
    );
  };

  const columns = useMemo<TableColumn<AdminRun>[]>(
    () => [
      {
        id: 'run',
        header: trans.__('Run'),
        cell: (run) => <code title={run.id}>{shortRunId(run.id, run.job)}</code>,
        sortValue: (run) => run.id,
      },
      textColumn('job', trans.__('Job'), (run) => run.job),
      textColumn('owner', trans.__('User'), (run) => run.owner),
      {
        id: 'state',
        header: trans.__('State'),
        cell: (run) => (
          <div className="jp-Turing-Admin-stack">
            <RunStateBadge state={run.state} testId={`run-state-${run.id}`} />
            {run.progress && run.state === 'running' && (
              <ProgressBar
                value={run.progress.cell}
                max={run.progress.cells}
                label={trans.__('Progress of run %1', shortRunId(run.id, run.job))}
                valueText={trans.__('cell %1 of %2', run.progress.cell, run.progress.cells)}
              />
            )}
            {run.reason && <span className="jp-Turing-Hint">{run.reason}</span>}
          </div>
        ),
        sortValue: (run) => run.state,
      },
      textColumn('environment', trans.__('Environment'), (run) => run.environment ?? ''),
      {
        id: 'started',
        header: trans.__('Started'),
        cell: (run) => <TimeCell iso={run.startedAt ?? run.createdAt} />,
        sortValue: (run) => timeSortValue(run.startedAt ?? run.createdAt),
      },
      {
        id: 'finished',
        header: trans.__('Finished'),
        cell: (run) => <TimeCell iso={run.finishedAt} />,
        sortValue: (run) => timeSortValue(run.finishedAt),
      },
      {
        id: 'links',
        header: trans.__('Log and output'),
        cell: (run) => {
          const short = shortRunId(run.id, run.job);
          const link = (href: string | undefined, text: string, label: string, testId: string) =>
            href ? (
              <a
                href={api.serviceLink(href)}
                target="_blank"
                rel="noopener noreferrer"
                aria-label={label}
                data-testid={testId}
              >
                {text}
              </a>
            ) : null;
          return (
            <span className="jp-Turing-Admin-links">
              {link(
                run.links.log,
                trans.__('Log'),
                trans.__('Log of run %1 of %2 (new tab)', short, run.job),
                `run-log-${run.id}`,
              )}
              {link(
                run.links.outputHtml,
                trans.__('HTML'),
                trans.__('Output of run %1 of %2 as HTML (new tab)', short, run.job),
                `run-html-${run.id}`,
              )}
              {link(
                run.links.outputIpynb,
                trans.__('ipynb'),
                trans.__('Output notebook of run %1 of %2 (new tab)', short, run.job),
                `run-ipynb-${run.id}`,
              )}
            </span>
          );
        },
      },
      {
        id: 'actions',
        header: trans.__('Actions'),
        cell: (run) => {
          const short = shortRunId(run.id, run.job);
          return (
            <span className="jp-Turing-Admin-links">
              {isCancellable(run.state) && (
                <ActionButton
                  label={trans.__('Cancel')}
                  small
                  ariaLabel={trans.__('Cancel run %1 of %2', short, run.job)}
                  disabled={busy !== null}
                  testId={`run-cancel-${run.id}`}
                  onClick={() => void cancel(run)}
                />
              )}
            </span>
          );
        },
      },
    ],
    [api, busy],
  );

  return (
    <>
      <PageHeading
        title={pageTitle('jobs')}
        reloadTestId="runs-reload"
        onReload={() => void Promise.all([runs.reload(), jobs.reload()])}
      />
      <RunFiltersForm filters={filters} onChange={setFilters} />
      {runs.error && <ErrorMessage error={runs.error} trans={trans} testId="runs-error" />}
      {actionError && <ErrorMessage error={actionError} trans={trans} testId="runs-action-error" />}
      <h2 className="jp-Turing-Admin-h2">{trans.__('Runs')}</h2>
      <CursorTable
        list={runs}
        columns={columns}
        rowKey={(run) => run.id}
        label={trans.__('Runs of every user')}
        countText={(shown) => trans.__('%1 runs shown, newest first.', shown)}
        emptyText={trans.__('No runs match the filters.')}
        moreText={trans.__('Load older runs')}
        testIdPrefix="runs"
      />
      <h2 className="jp-Turing-Admin-h2">{trans.__('Jobs')}</h2>
      {jobs.error && <ErrorMessage error={jobs.error} trans={trans} testId="jobs-error" />}
      <JobsTable
        jobs={jobs.data?.items ?? []}
        loading={jobs.loading}
        busy={busy}
        onSetSuspended={(job, suspend) => void setSuspended(job, suspend)}
      />
    </>
  );
}
