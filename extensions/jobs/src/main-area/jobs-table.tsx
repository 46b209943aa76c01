import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, runIcon } from '@jupyterlab/ui-components';
import type { Job, JobList } from '@turing/client';
import type { Polled, TableColumn } from '@turing/ui';
import { DataTable, ErrorMessage, IconButton, SearchBox, StatusBadge } from '@turing/ui';
import React, { useMemo, useState } from 'react';

import type { JobRef } from '../job-requests';
import { jobKey } from '../job-requests';
import { jobStateLabel, jobStateTone } from '../labels';
import type { JobColumnId, JobStateFilter, JobTableFilter } from './job-table-model';
import {
  EMPTY_JOB_FILTER,
  JOB_KEY_ATTRIBUTE,
  JOB_SORT_VALUES,
  JOB_STATE_FILTERS,
  filterJobs,
  jobOwners,
  seesOtherUsers,
} from './job-table-model';
import { LastRunCell, NextRunCell, ScheduleCell } from './job-timing';
import type { JobActions } from './use-job-actions';

/** Props of {@link JobsTablePage}. */
export interface JobsTablePageProps {
  /** Hidden (kept mounted) while a detail page shows. */
  hidden: boolean;
  jobs: Polled<JobList>;
  /** The hub user: other owners' jobs mean an admin's view. */
  viewer: string;
  actions: JobActions;
  initialPageSize: number;
  onOpen: (job: JobRef) => void;
  trans: TranslationBundle;
}

/** The state filter's option text. */
function stateFilterLabel(filter: JobStateFilter, trans: TranslationBundle): string {
  switch (filter) {
    case 'all':
      return trans.__('All states');
    case 'last-failed':
      return trans.__('Last run failed');
    default:
      return jobStateLabel(filter, trans);
  }
}

/** The columns, with the owner column only for an admin's view. */
function useColumns(props: JobsTablePageProps, showOwner: boolean): TableColumn<Job>[] {
  const { actions, onOpen, trans } = props;
  const { busy, perform } = actions;
  return useMemo(() => {
    const sortable = (
      id: JobColumnId,
      header: string,
      cell: TableColumn<Job>['cell'],
      className?: string,
    ) => ({
      id,
      header,
      cell,
      sortValue: JOB_SORT_VALUES[id],
      className,
    });
    const columns: TableColumn<Job>[] = [
      sortable(
        'name',
        trans.__('Name'),
        (job) => (
          <button
            type="button"
            className="jp-Turing-View-link jp-Turing-JobsMain-link"
            aria-label={trans.__('Open job %1', job.name)}
            {...{ [JOB_KEY_ATTRIBUTE]: jobKey(job) }}
            data-testid={`jobs-table-open-${job.name}`}
            onClick={() => onOpen(job)}
          >
            {job.name}
          </button>
        ),
        'jp-Turing-JobsTable-name',
      ),
      ...(showOwner ? [sortable('owner', trans.__('Owner'), (job) => job.owner)] : []),
      sortable('schedule', trans.__('Schedule'), (job) => <ScheduleCell job={job} trans={trans} />),
      sortable('environment', trans.__('Environment'), (job) => (
        <span className="jp-Turing-Jobs-mono">{job.environment}</span>
      )),
      sortable('state', trans.__('State'), (job) => (
        <StatusBadge tone={jobStateTone(job.state)} testId={`jobs-table-state-${job.name}`}>
          {jobStateLabel(job.state, trans)}
        </StatusBadge>
      )),
      sortable('lastRun', trans.__('Last run'), (job) => <LastRunCell job={job} trans={trans} />),
      sortable('nextRun', trans.__('Next run'), (job) => <NextRunCell job={job} trans={trans} />),
      {
        id: 'actions',
        header: trans.__('Actions'),
        className: 'jp-Turing-JobsTable-actions',
        cell: (job) => (
          <div className="jp-Turing-ButtonRow">
            <IconButton
              icon={runIcon}
              label={trans.__('Run job %1 now', job.name)}
              disabled={busy.has(jobKey(job))}
              onClick={() => void perform(job, 'run')}
            />
            {job.schedule && (
              <button
                type="button"
                className="jp-mod-styled jp-Turing-Button jp-Turing-SmallButton"
                aria-label={
                  job.suspended ? trans.__('Resume job %1', job.name) : trans.__('Pause job %1', job.name)
                }
                disabled={busy.has(jobKey(job))}
                onClick={() => void perform(job, 'toggle-suspend')}
              >
                {job.suspended ? trans.__('Resume') : trans.__('Pause')}
              </button>
            )}
          </div>
        ),
      },
    ];
    return columns;
  }, [busy, perform, onOpen, trans, showOwner]);
}

/** The jobs table page: filters, the sortable, paged table of every job the user sees, and per-row actions. */
export function JobsTablePage(props: JobsTablePageProps): React.ReactElement {
  const { hidden, jobs, viewer, actions, initialPageSize, trans } = props;
  const [filter, setFilter] = useState<JobTableFilter>({ ...EMPTY_JOB_FILTER });
  const all = jobs.data?.items;
  const showOwner = useMemo(() => seesOtherUsers(all ?? [], viewer), [all, viewer]);
  const owners = useMemo(() => (showOwner ? jobOwners(all ?? []) : []), [all, showOwner]);
  const rows = useMemo(() => filterJobs(all ?? [], filter), [all, filter]);
  const columns = useColumns(props, showOwner);
  const filtered = filter.text.trim() !== '' || filter.state !== 'all' || filter.owner !== null;

  return (
    <section
      className="jp-Turing-JobsTable"
      hidden={hidden}
      aria-labelledby="jp-Turing-JobsTable-title"
      data-testid="jobs-table-view"
    >
      <div className="jp-Turing-View-row jp-Turing-JobsMain-header">
        <h1
          id="jp-Turing-JobsTable-title"
          className="jp-Turing-View-title jp-Turing-JobsTable-title"
          tabIndex={-1}
        >
          {trans.__('Turing Jobs')}
        </h1>
        <IconButton icon={refreshIcon} label={trans.__('Refresh jobs')} onClick={jobs.reload} />
      </div>
      <div className="jp-Turing-JobsTable-filters" role="search" aria-label={trans.__('Filter jobs')}>
        <SearchBox
          value={filter.text}
          onChange={(text) => setFilter((f) => ({ ...f, text }))}
          label={showOwner ? trans.__('Filter jobs by name or owner') : trans.__('Filter jobs by name')}
          placeholder={showOwner ? trans.__('Filter by name or owner') : trans.__('Filter by name')}
          testId="jobs-table-filter"
        />
        <label className="jp-Turing-JobsTable-select">
          {trans.__('State')}
          <select
            className="jp-mod-styled"
            value={filter.state}
            data-testid="jobs-table-state-filter"
            onChange={(e) => setFilter((f) => ({ ...f, state: e.target.value as JobStateFilter }))}
          >
            {JOB_STATE_FILTERS.map((state) => (
              <option key={state} value={state}>
                {stateFilterLabel(state, trans)}
              </option>
            ))}
          </select>
        </label>
        {showOwner && (
          <label className="jp-Turing-JobsTable-select">
            {trans.__('Owner')}
            <select
              className="jp-mod-styled"
              value={filter.owner ?? ''}
              data-testid="jobs-table-owner-filter"
              onChange={(e) =>
                setFilter((f) => ({ ...f, owner: e.target.value === '' ? null : e.target.value }))
              }
            >
              <option value="">{trans.__('All owners')}</option>
              {owners.map((owner) => (
                <option key={owner} value={owner}>
                  {owner}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="jp-Turing-JobsTable-count" role="status" data-testid="jobs-table-count">
          {all
            ? filtered
              ? trans.__('%1 of %2 jobs', rows.length, all.length)
              : trans._n('%1 job', '%1 jobs', all.length)
            : ''}
        </span>
      </div>
      {actions.error && <ErrorMessage error={actions.error} trans={trans} testId="jobs-table-action-error" />}
      {jobs.error && <ErrorMessage error={jobs.error} trans={trans} testId="jobs-table-load-error" />}
      {!jobs.data && !jobs.error && <div className="jp-Turing-Hint">{trans.__('Loading jobs…')}</div>}
      {jobs.data && (
        <DataTable
          rows={rows}
          columns={columns}
          rowKey={jobKey}
          label={trans.__('Jobs')}
          initialSort={{ column: 'name', direction: 'ascending' }}
          pageSize={initialPageSize}
          emptyText={
            filtered
              ? trans.__('No jobs match the filter.')
              : trans.__('No jobs yet. Open a notebook and press Schedule in its toolbar.')
          }
          testId="jobs-table"
          trans={trans}
        />
      )}
    </section>
  );
}
