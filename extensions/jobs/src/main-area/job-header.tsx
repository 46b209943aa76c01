import type { TranslationBundle } from '@jupyterlab/translation';
import type { Job } from '@turing/client';
import { StatusBadge } from '@turing/ui';
import React from 'react';

import type { JobAction } from '../job-list';
import { jobStateLabel, jobStateTone } from '../labels';

/** Props of {@link JobHeader}. */
export interface JobHeaderProps {
  /** The heading, focused when the page opens. */
  headingRef: React.RefObject<HTMLHeadingElement>;
  /** The job's name, with its owner when it is not the viewer's. */
  title: string;
  /** `null` while loading or when the job is gone: no actions then. */
  job: Job | null;
  viewer: string;
  /** An action of this job is in flight. */
  busy: boolean;
  onRunNow: () => void;
  onAction: (action: Exclude<JobAction, 'run'>) => void;
  trans: TranslationBundle;
}

/** A button of the header's action bar. */
function Action(props: {
  label: string;
  onClick: () => void;
  disabled: boolean;
  testId: string;
  accept?: boolean;
  warn?: boolean;
  title?: string;
}): React.ReactElement {
  const mod = props.accept ? ' jp-mod-accept' : props.warn ? ' jp-mod-warn' : '';
  return (
    <button
      type="button"
      className={`jp-mod-styled jp-Turing-Button${mod}`}
      disabled={props.disabled}
      title={props.title}
      data-testid={props.testId}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}

/** The detail page's heading (name, owner, state) and the job's actions. */
export function JobHeader(props: JobHeaderProps): React.ReactElement {
  const { headingRef, title, job, viewer, busy, onRunNow, onAction, trans } = props;
  const disabled = busy || !job;
  // Another user's notebook is in their home: this server cannot read it.
  const inHome = job?.owner === viewer;
  return (
    <header className="jp-Turing-JobDetail-header">
      <div className="jp-Turing-View-row jp-Turing-JobDetail-titleRow">
        <h1
          id="jp-Turing-JobDetail-title"
          ref={headingRef}
          tabIndex={-1}
          className="jp-Turing-View-title jp-Turing-JobDetail-title"
          data-testid="job-detail-title"
        >
          {title}
        </h1>
        {job && (
          <StatusBadge tone={jobStateTone(job.state)} testId="job-detail-state">
            {jobStateLabel(job.state, trans)}
          </StatusBadge>
        )}
      </div>
      {job && (
        <div className="jp-Turing-JobsMain-muted" data-testid="job-detail-owner">
          {trans.__('Owned by %1', job.owner)}
        </div>
      )}
      <div
        className="jp-Turing-ButtonRow jp-Turing-JobDetail-actions"
        role="group"
        aria-label={trans.__('Job actions')}
      >
        <Action
          label={trans.__('Run now')}
          accept
          disabled={disabled}
          testId="job-detail-run"
          onClick={onRunNow}
        />
        {job?.schedule && (
          <Action
            label={job.suspended ? trans.__('Resume') : trans.__('Pause')}
            disabled={disabled}
            testId="job-detail-toggle"
            onClick={() => onAction('toggle-suspend')}
          />
        )}
        <Action
          label={trans.__('Edit')}
          disabled={disabled}
          testId="job-detail-edit"
          onClick={() => onAction('edit')}
        />
        {inHome && (
          <Action
            label={trans.__('Update input')}
            title={
              job
                ? trans.__('Snapshot the saved %1 as the input of the next runs', job.notebook.path)
                : undefined
            }
            disabled={disabled}
            testId="job-detail-update-input"
            onClick={() => onAction('update-input')}
          />
        )}
        <Action
          label={trans.__('Delete')}
          warn
          disabled={disabled}
          testId="job-detail-delete"
          onClick={() => onAction('delete')}
        />
      </div>
    </header>
  );
}
