import type { TranslationBundle } from '@jupyterlab/translation';
import { deleteIcon, editIcon, runIcon } from '@jupyterlab/ui-components';
import type { Job } from '@turing/client';
import { IconButton, StatusBadge } from '@turing/ui';
import React from 'react';

import { formatDateTime } from './format';
import { jobKey } from './job-requests';
import { jobStateLabel, jobStateTone, runStateLabel } from './labels';
import type { InputStatus } from './use-input-status';

/** The actions of a job row. */
export type JobAction = 'toggle-suspend' | 'run' | 'edit' | 'delete' | 'update-input';

/** Props of {@link JobList}. */
export interface JobListProps {
  /** Admins see every user's jobs: names repeat across owners. */
  jobs: readonly Job[];
  /** The {@link jobKey} of the selected job. */
  selected: string | null;
  /** Of the home owner's jobs only, by name. */
  inputStatus: Record<string, InputStatus>;
  /** Whose home this server is: their jobs show an input status and may take a new input. */
  homeOwner: string;
  /** {@link jobKey}s of jobs with an action in flight (their buttons are disabled). */
  busy: ReadonlySet<string>;
  onSelect: (job: Job) => void;
  onAction: (job: Job, action: JobAction) => void;
  trans: TranslationBundle;
}

/** The job definitions: name (and owner, if not the home's), state, next run, last result, input hint and actions. */
export function JobList(props: JobListProps): React.ReactElement {
  const { jobs, selected, inputStatus, homeOwner, busy, onSelect, onAction, trans } = props;
  return (
    <ul className="jp-Turing-CardList" aria-label={trans.__('Jobs')} data-testid="jobs-list">
      {jobs.map((job) => {
        const key = jobKey(job);
        const disabled = busy.has(key);
        const next = job.state === 'scheduled' ? job.schedule?.nextRuns[0] : undefined;
        const inHome = job.owner === homeOwner;
        const status = inHome ? inputStatus[job.name] : undefined;
        return (
          <li
            key={key}
            className={`jp-Turing-Card${key === selected ? ' jp-mod-selected' : ''}`}
            data-testid={`job-${job.name}`}
            data-owner={job.owner}
          >
            <div className="jp-Turing-Card-header">
              <button
                type="button"
                className="jp-Turing-Card-name"
                aria-pressed={key === selected}
                title={trans.__('Show the runs of %1', job.name)}
                onClick={() => onSelect(job)}
              >
                {job.name}
              </button>
              {!inHome && (
                <span
                  className="jp-Turing-Card-owner"
                  title={trans.__('Owned by %1', job.owner)}
                  data-testid={`job-owner-${job.name}`}
                >
                  {job.owner}
                </span>
              )}
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
                <div className="jp-Turing-Warning" data-testid={`job-input-changed-${job.name}`}>
                  {trans.__('Input changed since scheduled: %1 was edited.', job.notebook.path)}
                </div>
              )}
              {status === 'missing' && (
                <div className="jp-Turing-Hint" data-testid={`job-input-missing-${job.name}`}>
                  {trans.__('The source notebook %1 is gone; the job keeps its snapshot.', job.notebook.path)}
                </div>
              )}
            </div>
            <div className="jp-Turing-ButtonRow">
              {job.schedule && (
                <button
                  type="button"
                  className="jp-mod-styled jp-Turing-SmallButton"
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
                className="jp-mod-styled jp-Turing-SmallButton"
                aria-label={trans.__('Update input from notebook')}
                title={
                  inHome
                    ? trans.__('Snapshot the saved %1 as the new input', job.notebook.path)
                    : trans.__("%1's notebook is in their home, not in this one.", job.owner)
                }
                disabled={disabled || !inHome || status === 'missing'}
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
