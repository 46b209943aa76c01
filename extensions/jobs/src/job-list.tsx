import type { TranslationBundle } from '@jupyterlab/translation';
import { deleteIcon, editIcon, runIcon } from '@jupyterlab/ui-components';
import type { Job } from '@turing/client';
import { IconButton, StatusBadge } from '@turing/ui';
import React from 'react';

import { formatDateTime } from './format';
import { jobStateLabel, jobStateTone, runStateLabel } from './labels';
import type { InputStatus } from './use-input-status';

/** The actions of a job row. */
export type JobAction = 'toggle-suspend' | 'run' | 'edit' | 'delete' | 'update-input';

/** Props of {@link JobList}. */
export interface JobListProps {
  jobs: readonly Job[];
  selected: string | null;
  inputStatus: Record<string, InputStatus>;
  /** Names of jobs with an action in flight (their buttons are disabled). */
  busy: ReadonlySet<string>;
  onSelect: (name: string) => void;
  onAction: (job: Job, action: JobAction) => void;
  trans: TranslationBundle;
}

/** The job definitions: name, state, next run, last result, input hint and actions. */
export function JobList(props: JobListProps): React.ReactElement {
  const { jobs, selected, inputStatus, busy, onSelect, onAction, trans } = props;
  return (
    <ul className="jp-Turing-Jobs-list" aria-label={trans.__('Jobs')} data-testid="jobs-list">
      {jobs.map((job) => {
        const disabled = busy.has(job.name);
        const next = job.state === 'scheduled' ? job.schedule?.nextRuns[0] : undefined;
        const status = inputStatus[job.name];
        return (
          <li
            key={job.name}
            className={`jp-Turing-Jobs-item${job.name === selected ? ' jp-mod-selected' : ''}`}
            data-testid={`job-${job.name}`}
          >
            <div className="jp-Turing-Jobs-itemHeader">
              <button
                type="button"
                className="jp-Turing-Jobs-itemName"
                aria-pressed={job.name === selected}
                title={trans.__('Show the runs of %1', job.name)}
                onClick={() => onSelect(job.name)}
              >
                {job.name}
              </button>
              <StatusBadge tone={jobStateTone(job.state)} testId={`job-state-${job.name}`}>
                {jobStateLabel(job.state, trans)}
              </StatusBadge>
            </div>
            <div className="jp-Turing-Jobs-itemMeta">
              {job.schedule && (
                <div title={`${job.schedule.cron} (${job.schedule.timezone})`}>
                  {job.schedule.description}
                </div>
              )}
              {next && (
                <div data-testid={`job-next-${job.name}`}>
                  {trans.__('Next run: %1', formatDateTime(next))}
                </div>
              )}
              <div data-testid={`job-last-${job.name}`}>
                {job.lastRun
                  ? trans.__(
                      'Last run: %1%2',
                      runStateLabel(job.lastRun.state, trans),
                      job.lastRun.finishedAt ? ` · ${formatDateTime(job.lastRun.finishedAt)}` : '',
                    )
                  : trans.__('No runs yet')}
              </div>
              {status === 'changed' && (
                <div className="jp-Turing-Jobs-warning" data-testid={`job-input-changed-${job.name}`}>
                  {trans.__('Input changed since scheduled: %1 was edited.', job.notebook.path)}
                </div>
              )}
              {status === 'missing' && (
                <div className="jp-Turing-Hint" data-testid={`job-input-missing-${job.name}`}>
                  {trans.__('The source notebook %1 is gone; the job keeps its snapshot.', job.notebook.path)}
                </div>
              )}
            </div>
            <div className="jp-Turing-Jobs-actions">
              {job.schedule && (
                <button
                  type="button"
                  className="jp-mod-styled jp-Turing-Jobs-smallButton"
                  disabled={disabled}
                  onClick={() => onAction(job, 'toggle-suspend')}
                >
                  {job.suspended ? trans.__('Resume') : trans.__('Pause')}
                </button>
              )}
              <IconButton
                icon={runIcon}
                label={trans.__('Run now')}
                disabled={disabled}
                onClick={() => onAction(job, 'run')}
              />
              <IconButton
                icon={editIcon}
                label={trans.__('Edit')}
                disabled={disabled}
                onClick={() => onAction(job, 'edit')}
              />
              <IconButton
                icon={deleteIcon}
                label={trans.__('Delete')}
                disabled={disabled}
                onClick={() => onAction(job, 'delete')}
              />
              <button
                type="button"
                className="jp-mod-styled jp-Turing-Jobs-smallButton"
                aria-label={trans.__('Update input from notebook')}
                title={trans.__('Snapshot the saved %1 as the new input', job.notebook.path)}
                disabled={disabled || status === 'missing'}
                onClick={() => onAction(job, 'update-input')}
              >
                {trans.__('Update input')}
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
