import type { TranslationBundle } from '@jupyterlab/translation';
import type { Job } from '@turing/client';
import { StatusBadge, formatRelativeTime } from '@turing/ui';
import React from 'react';

import { browserTimeZone, formatDateTime, formatTimeWithZone, formatZonedTime } from '../format';
import { runStateLabel, runStateTone } from '../labels';

/**
 * When a job runs and ran, as the main-area view shows it: times of the
 * schedule in the job's own zone (named), with a relative hint, so a
 * schedule "At 02:00 (Europe/Berlin)" and its next run agree.
 */

/**
 * A moment on the 24-hour clock in `timeZone` (named after the time), or in
 * the viewer's zone (unnamed) without one, with "in 14 h" / "5 min ago" beside it.
 */
export function ZonedTime(props: {
  iso: string;
  timeZone?: string;
  trans: TranslationBundle;
  testId?: string;
}): React.ReactElement {
  const { iso, timeZone, trans, testId } = props;
  const now = Date.now();
  const when = Date.parse(iso);
  const absolute = timeZone
    ? formatTimeWithZone(iso, timeZone, { now })
    : formatZonedTime(iso, browserTimeZone(), { now });
  const relative = Number.isFinite(when) ? formatRelativeTime(when, now, trans) : '';
  return (
    <span className="jp-Turing-JobsMain-time" data-testid={testId}>
      <time dateTime={iso} title={formatDateTime(iso, timeZone)}>
        {absolute}
      </time>
      {relative && (
        <>
          {' '}
          <span className="jp-Turing-JobsMain-relative">{relative}</span>
        </>
      )}
    </span>
  );
}

/** The schedule in words with its zone, "On demand", or what it waits for. */
export function scheduleText(job: Job, trans: TranslationBundle): string {
  if (job.schedule) {
    const { description, timezone } = job.schedule;
    // hub-proxy names the zone in the description ("At 02:00 (Europe/Berlin)"); say it once.
    return description.includes(timezone) ? description : trans.__('%1 (%2)', description, timezone);
  }
  if (job.dependsOn.length > 0) {
    return trans.__('After %1', job.dependsOn.join(', '));
  }
  return trans.__('On demand');
}

/** The schedule cell: the description in the job's zone, the cron expression as its tooltip. */
export function ScheduleCell({ job, trans }: { job: Job; trans: TranslationBundle }): React.ReactElement {
  return (
    <span
      title={job.schedule ? job.schedule.cron : undefined}
      data-testid={`jobs-table-schedule-${job.name}`}
    >
      {scheduleText(job, trans)}
    </span>
  );
}

/** The next run in the job's zone, or why there is none. */
export function NextRunCell({ job, trans }: { job: Job; trans: TranslationBundle }): React.ReactElement {
  const next = job.state === 'scheduled' ? job.schedule?.nextRuns[0] : undefined;
  if (!next || !job.schedule) {
    return (
      <span className="jp-Turing-JobsMain-muted">
        {job.state === 'paused' ? trans.__('Paused') : trans.__('None')}
      </span>
    );
  }
  return (
    <ZonedTime
      iso={next}
      timeZone={job.schedule.timezone}
      trans={trans}
      testId={`jobs-table-next-${job.name}`}
    />
  );
}

/** The last run's state and when it ended (in the viewer's zone: a run is not tied to the schedule's). */
export function LastRunCell({ job, trans }: { job: Job; trans: TranslationBundle }): React.ReactElement {
  if (!job.lastRun) {
    return <span className="jp-Turing-JobsMain-muted">{trans.__('No runs yet')}</span>;
  }
  const { state, finishedAt } = job.lastRun;
  return (
    <span className="jp-Turing-JobsMain-lastRun" data-testid={`jobs-table-last-${job.name}`}>
      <StatusBadge tone={runStateTone(state)}>{runStateLabel(state, trans)}</StatusBadge>
      {finishedAt && <ZonedTime iso={finishedAt} trans={trans} />}
    </span>
  );
}
