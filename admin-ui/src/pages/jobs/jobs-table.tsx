import { DataTable } from '@turing/ui/lib/data-table';
import type { TableColumn } from '@turing/ui/lib/data-table';
import { StatusBadge } from '@turing/ui/lib/status-badge';
import React, { useMemo } from 'react';

import type { AdminJob } from '../../api/types';
import { trans } from '../../app/translation';

/** Props of {@link JobsTable}. */
export interface JobsTableProps {
  jobs: AdminJob[];
  loading: boolean;
  /** The key (`owner/name`) of the job an action runs on; every action waits for it. */
  busy: string | null;
  onSetSuspended: (job: AdminJob, suspend: boolean) => void;
}

/** The key of a job across users. */
export function jobKey(job: Pick<AdminJob, 'owner' | 'name'>): string {
  return `${job.owner}/${job.name}`;
}

/** Every user's jobs with their schedule and state; scheduled ones can be paused and resumed. */
export function JobsTable({ jobs, loading, busy, onSetSuspended }: JobsTableProps): React.ReactElement {
  const columns = useMemo<TableColumn<AdminJob>[]>(
    () => [
      { id: 'name', header: trans.__('Job'), cell: (job) => job.name, sortValue: (job) => job.name },
      { id: 'owner', header: trans.__('User'), cell: (job) => job.owner, sortValue: (job) => job.owner },
      {
        id: 'environment',
        header: trans.__('Environment'),
        cell: (job) => job.environment,
        sortValue: (job) => job.environment,
      },
      {
        id: 'schedule',
        header: trans.__('Schedule'),
        cell: (job) =>
          job.schedule ? (
            <span title={job.schedule.cron}>{job.schedule.description ?? job.schedule.cron}</span>
          ) : (
            trans.__('on demand')
          ),
      },
      {
        id: 'state',
        header: trans.__('State'),
        cell: (job) =>
          job.suspended ? (
            <StatusBadge tone="warn" testId={`job-state-${jobKey(job)}`}>
              {trans.__('paused')}
            </StatusBadge>
          ) : (
            <StatusBadge tone={job.schedule ? 'active' : 'muted'} testId={`job-state-${jobKey(job)}`}>
              {job.state ?? (job.schedule ? trans.__('scheduled') : trans.__('on demand'))}
            </StatusBadge>
          ),
        sortValue: (job) => (job.suspended ? 'paused' : (job.state ?? '')),
      },
      {
        id: 'actions',
        header: trans.__('Actions'),
        cell: (job) =>
          job.schedule ? (
            <button
              type="button"
              className="jp-mod-styled jp-Turing-Button jp-Turing-SmallButton"
              aria-label={
                job.suspended
                  ? trans.__('Resume job %1 of %2', job.name, job.owner)
                  : trans.__('Pause job %1 of %2', job.name, job.owner)
              }
              disabled={busy !== null}
              data-testid={`job-${job.suspended ? 'resume' : 'pause'}-${jobKey(job)}`}
              onClick={() => onSetSuspended(job, !job.suspended)}
            >
              {job.suspended ? trans.__('Resume') : trans.__('Pause')}
            </button>
          ) : null,
      },
    ],
    [busy, onSetSuspended],
  );
  return (
    <DataTable
      rows={jobs}
      columns={columns}
      rowKey={jobKey}
      label={trans.__('Jobs of every user')}
      initialSort={{ column: 'owner', direction: 'ascending' }}
      pageSize={25}
      emptyText={loading ? trans.__('Loading…') : trans.__('No jobs match the filters.')}
      testId="jobs-table"
      trans={trans}
    />
  );
}
