import { ownedJobsOf } from '../owned-jobs.js';
import { ANNOTATIONS } from '../../ownership/labels.js';
import type { Logger } from '../../observability/logger.js';
import { alertEventFor, alertTarget, buildAlertPayload, deliverAlert } from './alerts.js';
import { isTerminal, type JobRuntime, type NotebookJob, type RunRecord } from '../model.js';
import type { ArtifactStore } from '../../artifacts/index.js';
import { artifactKeys, dependencyRunId } from '../naming.js';
import type { WebhookPolicy } from './webhook-policy.js';
import type { ModelOutputPublisher } from '../model-output.js';
import { ModelOutputPublishing } from './model-output-publishing.js';

/** Options of {@link RunLifecycle}. */
export interface RunLifecycleOptions {
  runtime: JobRuntime;
  artifacts: ArtifactStore;
  logger: Logger;
  /** Link to a run for alert messages, e.g. the API URL of the run. */
  runUrl?: (run: RunRecord) => string | undefined;
  /** Delivery settings (tests shorten them). */
  delivery?: { attempts?: number; timeoutMs?: number; backoffMs?: number };
  /** Where alert webhooks may go; checked again at every delivery. */
  webhookPolicy: WebhookPolicy;
  /** Who publishes model outputs (read at each publish); absent or undefined: models are off. */
  modelOutputPublisher?: () => ModelOutputPublisher | undefined;
  /** Retries of a transiently failing publish within one delivery (tests shorten them). */
  publishRetry?: { attempts?: number; backoffMs?: number };
}

/**
 * What happens once a run has ended, shared by both runtimes, which may
 * report the same run more than once (resyncs, restarts):
 *
 * - Dependents start exactly once per upstream success: the downstream run id
 *   is derived from the upstream run id, so repeating the trigger finds the run
 *   it made before instead of making another; the `dependents` marker then
 *   stops the repeats.
 * - Alerts go out once per terminal state: the `alerts` marker is claimed
 *   first, so two replicas or a replay never both send; delivery retries
 *   transient failures and each outcome is recorded in the job's status.
 * - A succeeded run of a job with a model output publishes its files as the
 *   next version of the model, once (see {@link ModelOutputPublishing}); it
 *   goes first, so a dependent job starts after the version exists.
 * - History beyond the job's `historyLimit` is deleted with its artifacts.
 */
export class RunLifecycle {
  private readonly modelOutputs: ModelOutputPublishing;

  constructor(private readonly options: RunLifecycleOptions) {
    this.modelOutputs = new ModelOutputPublishing({
      runtime: options.runtime,
      artifacts: options.artifacts,
      publisher: options.modelOutputPublisher ?? (() => undefined),
      logger: options.logger,
      ...(options.publishRetry ? { retry: options.publishRetry } : {}),
    });
  }

  /** Attaches to the runtime's finished-run callback. */
  attach(): void {
    this.options.runtime.onRunFinished((run, job) => this.handle(run, job));
  }

  /** Runs every once-only step still missing for `run`. Never throws. */
  async handle(run: RunRecord, job: NotebookJob | undefined): Promise<void> {
    if (!isTerminal(run.state) || !job || run.markers.includes('recorded')) return;
    const log = this.options.logger.child({ run: run.id, job: run.jobObjectName });
    const steps: [string, () => Promise<void>][] = [
      ['model output', () => this.modelOutputs.handle(run, job)],
      ['dependents', () => this.triggerDependents(run, job)],
      ['alerts', () => this.sendAlerts(run, job)],
      ['retention', () => this.applyRetention(job)],
    ];
    let failed = false;
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (err) {
        failed = true;
        log.error({ err, step: name }, 'run lifecycle step failed; the next resync retries it');
      }
    }
    // Done for good: resyncs and new leaders skip this run from now on.
    if (!failed) await this.options.runtime.claimMarker(run.id, 'recorded').catch(() => false);
  }

  private async triggerDependents(run: RunRecord, job: NotebookJob): Promise<void> {
    if (run.state !== 'succeeded' || run.markers.includes('dependents')) return;
    const { runtime, logger } = this.options;
    for (const downstream of await this.dependentsOf(job)) {
      const name = downstream.metadata.name ?? '';
      const started = await runtime.startRun(downstream, {
        trigger: 'dependency',
        runId: dependencyRunId(name, run.id),
        triggeredBy: run.id,
      });
      logger.info({ upstream: run.id, run: started.id }, 'dependency run started');
    }
    await runtime.claimMarker(run.id, 'dependents');
  }

  /**
   * The same owner's unpaused jobs that list `job` in `dependsOn`, from the
   * runtime's synced cache when it has one: at 1,000 runs a minute a list per
   * finished run would load the apiserver for nothing.
   */
  private async dependentsOf(job: NotebookJob): Promise<NotebookJob[]> {
    const owner = job.metadata.annotations?.[ANNOTATIONS.ownerName];
    if (!owner) return [];
    const jobs = await ownedJobsOf(this.options.runtime, owner);
    return jobs.filter(
      (candidate) => !candidate.spec.suspend && candidate.spec.dependsOn.includes(job.spec.jobName),
    );
  }

  private async sendAlerts(run: RunRecord, job: NotebookJob): Promise<void> {
    const event = alertEventFor(run.state);
    if (!event || run.markers.includes('alerts')) return;
    const alerts = job.spec.alerts.filter((alert) => alert.on.includes(event));
    if (alerts.length === 0) return;
    const { runtime, logger } = this.options;
    if (!(await runtime.claimMarker(run.id, 'alerts'))) return;
    const url = this.options.runUrl?.(run);
    const payload = buildAlertPayload(run, event, url ? { runUrl: url } : {});
    for (const [index, alert] of alerts.entries()) {
      // Checked again at delivery (the name may resolve elsewhere now than at create) and pinned.
      const result = await deliverAlert(alert.webhook, payload, {
        ...this.options.delivery,
        policy: this.options.webhookPolicy,
        idempotencyKey: `${run.id}/${event}/${index}`,
      });
      const target = alertTarget(alert.webhook);
      if (result.delivered) logger.info({ run: run.id, event, target }, 'alert delivered');
      else logger.warn({ run: run.id, event, target, error: result.error }, 'alert not delivered');
      // Why it was refused stays in the server log; the job's status gets the generic error only.
      if (result.refused)
        logger.debug({ run: run.id, target, refused: result.refused }, 'alert webhook refused');
      await runtime.recordAlertDelivery?.(run.jobObjectName, {
        run: run.id,
        event,
        target,
        delivered: result.delivered,
        attempts: result.attempts,
        at: new Date().toISOString(),
        ...(result.status !== undefined ? { status: result.status } : {}),
        ...(result.error !== undefined ? { error: result.error } : {}),
      });
    }
  }

  /** Deletes finished runs past the job's history limit, oldest first, with their artifacts. */
  private async applyRetention(job: NotebookJob): Promise<void> {
    const { runtime, artifacts } = this.options;
    const objectName = job.metadata.name ?? '';
    const finished = (await runtime.listRuns(objectName)).filter((r) => isTerminal(r.state));
    for (const old of finished.slice(job.spec.historyLimit)) {
      // Keep a run until its own once-only steps are done, or a restart could repeat them.
      if (old.state === 'succeeded' && !old.markers.includes('dependents')) continue;
      // Its model output files too: the publisher reads them.
      if (old.state === 'succeeded' && job.spec.modelOutput && !old.markers.includes('model-output'))
        continue;
      await runtime.deleteRun(old.id);
      await artifacts.deletePrefix(artifactKeys.runPrefix(old.owner, objectName, old.id));
    }
  }
}
