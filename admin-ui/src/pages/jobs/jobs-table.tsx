import { DataTable } from '@turing/ui/lib/data-table';
import type { TableColumn } from '@turing/ui/lib/data-table';
import { StatusBadge } from '@turing/ui/lib/status-badge';
import React, { useMemo } from 'react';

import type { AdminJob } from '../../api/types';
import { trans } from '../../app/translation';
import { ActionButton } from '../../components/action-button';
import { textColumn } from '../../components/text-column';

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
      textColumn('name', trans.__('Job'), (job) => job.name),
      textColumn('owner', trans.__('User'), (job) => job.owner),
      textColumn('environment', trans.__('Environment'), (job) => job.environment),
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
            <ActionButton
              label={job.suspended ? trans.__('Resume') : trans.__('Pause')}
              small
              ariaLabel={
                job.suspended
                  ? trans.__('Resume job %1 of %2', job.name, job.owner)
                  : trans.__('Pause job %1 of %2', job.name, job.owner)
              }
              disabled={busy !== null}
              testId={`job-${job.suspended ? 'resume' : 'pause'}-${jobKey(job)}`}
              onClick={() => onSetSuspended(job, !job.suspended)}
            />
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
