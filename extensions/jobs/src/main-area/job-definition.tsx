import type { TranslationBundle } from '@jupyterlab/translation';
import type { AlertEvent, ConcurrencyPolicy, Job } from '@turing/client';
import React from 'react';

import { formatDateTime, formatDuration } from '../format';
import { ZonedTime, scheduleText } from './job-timing';

/** Props of {@link JobDefinition}. */
export interface JobDefinitionProps {
  job: Job;
  trans: TranslationBundle;
}

function concurrencyLabel(policy: ConcurrencyPolicy, trans: TranslationBundle): string {
  switch (policy) {
    case 'allow':
      return trans.__('Allow overlapping runs');
    case 'replace':
      return trans.__('Replace the running run');
    default:
      return trans.__('Skip while a run is running');
  }
}

function alertEventLabel(event: AlertEvent, trans: TranslationBundle): string {
  switch (event) {
    case 'success':
      return trans.__('success');
    case 'timeout':
      return trans.__('timeout');
    default:
      return trans.__('failure');
  }
}

/** Only the webhook's origin: its path is a secret, and shoulders are near screens. */
function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '…';
  }
}

/** One term of the definition list. */
function Item(props: { term: string; testId: string; children: React.ReactNode }): React.ReactElement {
  return (
    <div className="jp-Turing-JobDefinition-item" data-testid={`job-definition-${props.testId}`}>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

/** Everything a job is set to do: input, environment, schedule with its next runs, parameters, limits, alerts, outputs. */
export function JobDefinition({ job, trans }: JobDefinitionProps): React.ReactElement {
  const none = <span className="jp-Turing-JobsMain-muted">{trans.__('None')}</span>;
  const parameters = Object.entries(job.parameters);
  const { resources } = job;
  const nextRuns = job.state === 'scheduled' ? (job.schedule?.nextRuns ?? []) : [];
  return (
    <dl className="jp-Turing-JobDefinition" data-testid="job-definition">
      <Item term={trans.__('Notebook')} testId="notebook">
        <span className="jp-Turing-Jobs-mono">{job.notebook.path}</span>
        <div className="jp-Turing-JobsMain-muted">
          {trans.__(
            'Snapshot of %1, %2 KB, kernel %3',
            formatDateTime(job.notebook.updatedAt),
            Math.max(1, Math.round(job.notebook.sizeBytes / 1024)),
            job.notebook.kernel,
          )}
        </div>
      </Item>
      <Item term={trans.__('Environment')} testId="environment">
        <span className="jp-Turing-Jobs-mono">{job.environment}</span>
        <div className="jp-Turing-JobsMain-muted jp-Turing-Jobs-mono">{job.image}</div>
      </Item>
      <Item term={trans.__('Schedule')} testId="schedule">
        {scheduleText(job, trans)}
        {job.schedule && (
          <div className="jp-Turing-JobsMain-muted jp-Turing-Jobs-mono">{job.schedule.cron}</div>
        )}
        {job.state === 'paused' && <div>{trans.__('Paused: no scheduled runs until it is resumed.')}</div>}
        {nextRuns.length > 0 && job.schedule && (
          <ol className="jp-Turing-JobDefinition-nextRuns" aria-label={trans.__('Next runs')}>
            {nextRuns.map((iso) => (
              <li key={iso}>
                <ZonedTime iso={iso} timeZone={job.schedule?.timezone} trans={trans} />
              </li>
            ))}
          </ol>
        )}
      </Item>
      <Item term={trans.__('Parameters')} testId="parameters">
        {parameters.length === 0 ? (
          none
        ) : (
          <ul className="jp-Turing-JobDefinition-list">
            {parameters.map(([name, value]) => (
              <li key={name} className="jp-Turing-Jobs-mono">
                {`${name} = ${JSON.stringify(value)}`}
              </li>
            ))}
          </ul>
        )}
      </Item>
      <Item term={trans.__('Resources')} testId="resources">
        {trans.__('CPU %1, memory %2', resources.cpu, resources.memory)}
        {resources.gpus > 0 && (
          <div>
            {resources.gpuType
              ? trans._n('%1 GPU (%2)', '%1 GPUs (%2)', resources.gpus, resources.gpuType)
              : trans._n('%1 GPU', '%1 GPUs', resources.gpus)}
          </div>
        )}
      </Item>
      <Item term={trans.__('Timeout')} testId="timeout">
        {formatDuration(job.timeoutSeconds, trans)}
      </Item>
      <Item term={trans.__('Retries')} testId="retries">
        {job.retries === 0 ? trans.__('No retries') : trans._n('%1 retry', '%1 retries', job.retries)}
      </Item>
      <Item term={trans.__('Concurrency')} testId="concurrency">
        {concurrencyLabel(job.concurrency, trans)}
      </Item>
      <Item term={trans.__('Runs after')} testId="depends-on">
        {job.dependsOn.length === 0 ? none : job.dependsOn.join(', ')}
      </Item>
      <Item term={trans.__('Alerts')} testId="alerts">
        {job.alerts.length === 0 ? (
          none
        ) : (
          <ul className="jp-Turing-JobDefinition-list">
            {job.alerts.map((alert, i) => (
              <li key={i}>
                {trans.__(
                  'On %1: %2',
                  alert.on.map((e) => alertEventLabel(e, trans)).join(', '),
                  webhookOrigin(alert.webhook),
                )}
              </li>
            ))}
          </ul>
        )}
        {job.alertDeliveries.some((d) => !d.delivered) && (
          <div className="jp-Turing-Warning">
            {trans.__('Some alerts of this job could not be delivered.')}
          </div>
        )}
      </Item>
      <Item term={trans.__('Outputs')} testId="outputs">
        {trans.__(
          '%1; the last %2 runs are kept',
          job.outputs.length === 0 ? trans.__('log only') : job.outputs.join(', '),
          job.historyLimit,
        )}
      </Item>
      <Item term={trans.__('Model output')} testId="model-output">
        {job.modelOutput
          ? job.modelOutput.rollout.kind === 'canary'
            ? trans.__(
                '%1 from %2, as a canary at %3%',
                job.modelOutput.model,
                job.modelOutput.path,
                job.modelOutput.rollout.percent,
              )
            : trans.__(
                '%1 from %2, replacing the served version',
                job.modelOutput.model,
                job.modelOutput.path,
              )
          : none}
      </Item>
      <Item term={trans.__('Created')} testId="created">
        {formatDateTime(job.createdAt)}
      </Item>
    </dl>
  );
}
