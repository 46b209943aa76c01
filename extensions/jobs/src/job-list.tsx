import type { TranslationBundle } from '@jupyterlab/translation';
import { deleteIcon, editIcon, launchIcon, runIcon } from '@jupyterlab/ui-components';
import type { Job } from '@turing/client';
import { IconButton, StatusBadge, formatRelativeTime } from '@turing/ui';
import React from 'react';

import { formatTimeWithZone } from './format';
import { jobKey } from './job-requests';
import { jobStateLabel, jobStateTone, runStateLabel, runStateTone } from './labels';
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
  /** Opens the job's detail page in the main area; no button without it. */
  onOpenInMainArea?: (job: Job) => void;
  /** What shows right under the selected job's card (its runs); nothing without it. */
  renderExpanded?: (job: Job) => React.ReactNode;
  /** Now (ms), for the relative times; default `Date.now()` at render. */
  now?: number;
  trans: TranslationBundle;
}

/** Run states a card flags next to the job state. */
const FLAGGED = new Set(['failed', 'timed_out']);

/** Props of one card. */
interface JobCardProps extends Omit<JobListProps, 'jobs' | 'selected' | 'busy' | 'inputStatus'> {
  job: Job;
  isSelected: boolean;
  disabled: boolean;
  status: InputStatus | undefined;
  now: number;
}

/** The card's second line: the next run in the job's zone, else the last run. */
function JobTiming({
  job,
  now,
  trans,
}: {
  job: Job;
  now: number;
  trans: TranslationBundle;
}): React.ReactElement {
  const next = job.state === 'scheduled' ? job.schedule?.nextRuns[0] : undefined;
  const zone = job.schedule?.timezone ?? 'UTC';
  if (next && job.schedule) {
    const text = trans.__(
      'Next run: %1 · %2',
      formatTimeWithZone(next, zone, { now }),
      formatRelativeTime(Date.parse(next), now, trans),
    );
    return (
      <div
        className="jp-Turing-Jobs-cardLine"
        title={`${job.schedule.description} (${job.schedule.timezone}), ${job.schedule.cron}`}
        data-testid={`job-next-${job.name}`}
      >
        {text}
      </div>
    );
  }
  const last = job.lastRun;
  const text = last
    ? trans.__(
        'Last run: %1%2',
        runStateLabel(last.state, trans),
        last.finishedAt ? ` · ${formatRelativeTime(Date.parse(last.finishedAt), now, trans)}` : '',
      )
    : job.state === 'paused'
      ? trans.__('Paused · no next run')
      : trans.__('On demand · no runs yet');
  return (
    <div
      className="jp-Turing-Jobs-cardLine"
      title={last?.finishedAt ? formatTimeWithZone(last.finishedAt, zone) : undefined}
      data-testid={`job-last-${job.name}`}
    >
      {text}
    </div>
  );
}

/** One compact job card: name and state; next (or last) run; actions; and the expansion when selected. */
function JobCard(props: JobCardProps): React.ReactElement {
  const { job, isSelected, disabled, status, homeOwner, onSelect, onAction, trans, now } = props;
  const { onOpenInMainArea, renderExpanded } = props;
  const inHome = job.owner === homeOwner;
  // Another user's job says whose it is, in names too.
  const label = inHome ? job.name : `${job.owner}/${job.name}`;
  const last = job.lastRun;
  // The second line shows the next run: a failed last run is flagged beside the state instead.
  const showsNext = job.state === 'scheduled' && !!job.schedule?.nextRuns[0];
  return (
    <li
      className={`jp-Turing-Card jp-Turing-Jobs-card${isSelected ? ' jp-mod-selected' : ''}`}
      data-testid={`job-${job.name}`}
      data-owner={job.owner}
    >
      <div className="jp-Turing-Jobs-cardSummary" data-testid={`job-summary-${job.name}`}>
        <div className="jp-Turing-Card-header">
          <button
            type="button"
            className="jp-Turing-Card-name"
            aria-expanded={isSelected}
            title={
              isSelected ? trans.__('Hide the runs of %1', label) : trans.__('Show the runs of %1', label)
            }
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
          {showsNext && last && FLAGGED.has(last.state) && (
            <StatusBadge tone={runStateTone(last.state)} testId={`job-last-state-${job.name}`}>
              <span className="jp-Turing-VisuallyHidden">{trans.__('last run')} </span>
              {runStateLabel(last.state, trans)}
            </StatusBadge>
          )}
          <StatusBadge tone={jobStateTone(job.state)} testId={`job-state-${job.name}`}>
            {jobStateLabel(job.state, trans)}
          </StatusBadge>
        </div>
        <JobTiming job={job} now={now} trans={trans} />
        {status === 'changed' && (
          <div
            className="jp-Turing-Warning jp-Turing-Jobs-inputChanged"
            data-testid={`job-input-changed-${job.name}`}
          >
            <span>{trans.__('Input changed since scheduled: %1 was edited.', job.notebook.path)}</span>
            <button
              type="button"
              className="jp-mod-styled jp-Turing-SmallButton"
              aria-label={trans.__('Update input of job %1 from notebook', label)}
              title={trans.__('Snapshot the saved %1 as the new input', job.notebook.path)}
              disabled={disabled}
              onClick={() => onAction(job, 'update-input')}
            >
              {trans.__('Update input')}
            </button>
          </div>
        )}
        <div className="jp-Turing-ButtonRow jp-Turing-Jobs-cardActions">
          {job.schedule && (
            <button
              type="button"
              className="jp-mod-styled jp-Turing-SmallButton"
              aria-label={job.suspended ? trans.__('Resume job %1', label) : trans.__('Pause job %1', label)}
              disabled={disabled}
              onClick={() => onAction(job, 'toggle-suspend')}
            >
              {job.suspended ? trans.__('Resume') : trans.__('Pause')}
            </button>
          )}
          <IconButton
            icon={runIcon}
            label={trans.__('Run now: job %1', label)}
            disabled={disabled}
            testId={`job-run-${job.name}`}
            onClick={() => onAction(job, 'run')}
          />
          <IconButton
            icon={editIcon}
            label={trans.__('Edit job %1', label)}
            disabled={disabled}
            onClick={() => onAction(job, 'edit')}
          />
          <IconButton
            icon={deleteIcon}
            label={trans.__('Delete job %1', label)}
            disabled={disabled}
            testId={`job-delete-${job.name}`}
            onClick={() => onAction(job, 'delete')}
          />
          {onOpenInMainArea && (
            <IconButton
              icon={launchIcon}
              label={trans.__('Open job %1 in main area', label)}
              testId={`job-open-main-${job.name}`}
              onClick={() => onOpenInMainArea(job)}
            />
          )}
        </div>
      </div>
      {isSelected && renderExpanded?.(job)}
    </li>
  );
}

/**
 * The job definitions as compact cards (name and state; next run in the
 * job's zone or the last run; actions), the selected one expanded in place
 * with what `renderExpanded` gives.
 */
export function JobList(props: JobListProps): React.ReactElement {
  const { jobs, selected, inputStatus, homeOwner, busy, trans } = props;
  const now = props.now ?? Date.now();
  return (
    <ul className="jp-Turing-CardList" aria-label={trans.__('Jobs')} data-testid="jobs-list">
      {jobs.map((job) => {
        const key = jobKey(job);
        return (
          <JobCard
            key={key}
            {...props}
            job={job}
            isSelected={key === selected}
            disabled={busy.has(key)}
            status={job.owner === homeOwner ? inputStatus[job.name] : undefined}
            now={now}
          />
        );
      })}
    </ul>
  );
}
