import type { KubernetesObject, V1CronJob, V1Job } from '@kubernetes/client-node';
import {
  isTerminal,
  type NotebookJob,
  type RunFinishedListener,
  type RunRecord,
  type RunTokens,
} from '../model.js';
import { JOB_LABELS } from '../naming.js';
import { scheduleErrors } from '../cron.js';
import {
  Controller,
  silentKubeLogger,
  toKubeError,
  type BackoffPolicy,
  type InformerCache,
  type KubeLogger,
  type ManagedController,
  type Reconciler,
} from '../../k8s/index.js';
import { cronJobName, notebookJobOwnerReference } from './batch-manifests.js';
import { isRecordedRun, isRunJob, newestFirst, runRecordFromJob } from './job-run-record.js';
import { asNotebookJob, type JobsKubeApi } from './jobs-kube-api.js';
import { desiredStatus, statusMergePatch } from './notebook-job-status.js';
import { ensureRunnerSecret } from './runner-secret.js';

/** The caches the controller reads (the runtime owns and starts them). */
export interface JobsCaches {
  notebookJobs: InformerCache<KubernetesObject>;
  /** Jobs labelled with {@link JOB_LABELS.job}. */
  jobs: InformerCache<V1Job>;
  /** CronJobs labelled with {@link JOB_LABELS.job}: only those an earlier version made, to remove. */
  cronJobs: InformerCache<V1CronJob>;
}

/** Settings of a {@link NotebookJobController}. */
export interface NotebookJobControllerOptions {
  api: JobsKubeApi;
  caches: JobsCaches;
  /**
   * A NotebookJob's cached run Jobs (the runtime's index by {@link JOB_LABELS.job}).
   * Default: a label-selector scan of the whole Jobs cache.
   */
  runsOf?(jobObjectName: string): V1Job[];
  tokens: RunTokens;
  /** The lifecycle callbacks, read at each delivery. */
  listeners(): readonly RunFinishedListener[];
  /** How often every NotebookJob is reconciled and unfinished lifecycles re-delivered. Default 30 s. */
  resyncMs?: number;
  /** Every this many resyncs, Secrets are re-applied even if nothing changed. Default 10. */
  reapplyEveryResyncs?: number;
  /** Delays between retries of a failing NotebookJob. Default: 500 ms doubling to 30 s, jittered. */
  retryBackoff?: BackoffPolicy;
  logger?: KubeLogger;
}

/**
 * Reconciles NotebookJobs into runner Secrets and status, and hands
 * finished runs to the lifecycle listeners. It acts only between
 * {@link start} and {@link stop}, which the ControllerManager calls as this
 * replica gains and loses the controllers' Lease, so exactly one replica
 * writes. It is {@link ready} once its three caches are synced. Schedules
 * are the ScheduleFirer's (schedule-firer.ts), which runs beside it under the same Lease.
 *
 * Per NotebookJob (a {@link Reconciler} run by a {@link Controller}: one
 * NotebookJob at a time, a failure retried with that job's backoff): the
 * Secret is applied with server-side apply whenever the object's
 * generation, labels or uid change, the runner token is due for renewal
 * (runner-secret.ts), or every `reapplyEveryResyncs` resyncs. A CronJob left
 * by a version that scheduled with CronJobs is deleted, orphaning its Jobs,
 * which are then adopted by the NotebookJob so history and cascading
 * deletion survive the upgrade.
 * Status (observedGeneration, lastScheduleTime, lastRun, Ready) is
 * merge-patched through the status subresource only when it differs.
 *
 * Finished runs: every terminal run whose markers lack `recorded` is
 * delivered to the listeners once per leadership term when its Job changes,
 * and again at every resync. Listeners must therefore be idempotent (they
 * are, through `claimMarker`); claiming `recorded` once every step is done
 * stops the re-deliveries. A new leader delivers every such run on start,
 * so a restart between an upstream success and its downstream start still
 * triggers.
 */
export class NotebookJobController implements ManagedController {
  readonly name = 'notebookjobs';
  private readonly reapplyEvery: number;
  private readonly logger: KubeLogger;
  private readonly reconciler: NotebookJobReconciler;
  private readonly controller: Controller;
  private running = false;
  private unsubscribe: Array<() => void> = [];
  private resyncCount = 0;
  private readonly deliveredThisTerm = new Set<string>();
  private readonly delivering = new Set<string>();

  constructor(private readonly options: NotebookJobControllerOptions) {
    this.reapplyEvery = options.reapplyEveryResyncs ?? 10;
    this.logger = options.logger ?? silentKubeLogger;
    this.reconciler = new NotebookJobReconciler(options);
    const { notebookJobs, jobs, cronJobs } = options.caches;
    this.controller = new Controller({
      name: this.name,
      reconciler: this.reconciler,
      ready: () => notebookJobs.synced && jobs.synced && cronJobs.synced,
      listKeys: () => notebookJobs.list().flatMap((o) => (o.metadata?.name ? [o.metadata.name] : [])),
      onResync: () => this.onResync(),
      resyncMs: options.resyncMs ?? 30_000,
      ...(options.retryBackoff ? { backoff: options.retryBackoff } : {}),
      logger: this.logger,
    });
  }

  /** True between {@link start} and {@link stop}. */
  get isRunning(): boolean {
    return this.running;
  }

  /** True once the NotebookJob, Job and CronJob caches are synced. */
  ready(): boolean {
    return this.controller.ready();
  }

  /** Starts reconciling every cached NotebookJob and delivering finished runs. The caches must be synced. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.reconciler.forgetAll();
    this.deliveredThisTerm.clear();
    const { notebookJobs, jobs, cronJobs } = this.options.caches;
    const enqueue = (name: string | undefined) => {
      if (name) this.controller.enqueue(name);
    };
    const byLabel = (object: KubernetesObject) => enqueue(object.metadata?.labels?.[JOB_LABELS.job]);
    const onJob = (job: V1Job) => {
      byLabel(job);
      this.deliverIfFinished(job, false);
    };
    this.unsubscribe = [
      notebookJobs.on('add', (o) => enqueue(o.metadata?.name)),
      notebookJobs.on('update', (o) => enqueue(o.metadata?.name)),
      // The reconcile finds it gone and forgets it (fingerprint and backoff).
      notebookJobs.on('delete', (o) => enqueue(o.metadata?.name)),
      jobs.on('add', onJob),
      jobs.on('update', onJob),
      jobs.on('delete', byLabel),
      cronJobs.on('add', byLabel),
      cronJobs.on('update', byLabel),
      cronJobs.on('delete', byLabel),
    ];
    // Enqueues every NotebookJob and delivers every finished run (onResync).
    this.controller.start();
    // Jobs created or changed while no replica led go first, not behind the
    // full pass over every job that start() queued in the background.
    for (const object of notebookJobs.list()) {
      const { status } = object as { status?: NotebookJob['status'] };
      if (status?.observedGeneration !== object.metadata?.generation) enqueue(object.metadata?.name);
    }
  }

  /** Stops acting; waits for the reconcile in progress. Deliveries already running finish on their own. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    await this.controller.stop();
  }

  /** At start and every resync: the periodic reapply, and re-delivery of unrecorded finished runs. */
  private onResync(): void {
    if (++this.resyncCount % this.reapplyEvery === 0) this.reconciler.forgetAll();
    for (const job of this.options.caches.jobs.list()) this.deliverIfFinished(job, true);
  }

  /**
   * Hands a terminal run to the listeners unless `recorded` is claimed.
   * `again`: from a resync, which re-delivers runs already delivered this term.
   */
  private deliverIfFinished(job: V1Job, again: boolean): void {
    // Most cached runs are recorded: skip them before building a record.
    if (!this.running || !isRunJob(job) || isRecordedRun(job)) return;
    const run = runRecordFromJob(job);
    if (!isTerminal(run.state)) return;
    if (this.delivering.has(run.id) || (!again && this.deliveredThisTerm.has(run.id))) return;
    this.deliveredThisTerm.add(run.id);
    this.delivering.add(run.id);
    void this.deliver(run).finally(() => this.delivering.delete(run.id));
  }

  private async deliver(run: RunRecord): Promise<void> {
    const cached = this.options.caches.notebookJobs.get(run.jobObjectName);
    const job = cached ? asNotebookJob(cached) : undefined;
    for (const listener of this.options.listeners()) {
      if (!this.running) return;
      try {
        await listener(run, job);
      } catch (err) {
        this.logger.warn(
          { run: run.id, err: String(err) },
          'run-finished listener failed; retried at resync',
        );
      }
    }
  }
}

/**
 * Why the ScheduleFirer cannot read the job's schedule, for Ready=False. The
 * API validates schedules, so only an object written around it (kubectl)
 * has one; retrying would not help, so it is reported, not thrown.
 */
function scheduleProblem(schedule: NonNullable<NotebookJob['spec']['schedule']>): string | undefined {
  const errors = scheduleErrors(schedule.cron, schedule.timezone, 'spec.schedule');
  return errors.length > 0 ? errors.map((e) => `${e.field}: ${e.message}`).join(' ') : undefined;
}

/** Distinct schedules whose {@link scheduleProblem} is remembered before the memo starts over. */
const SCHEDULE_PROBLEMS_KEPT = 1_000;

/** How recent a never-reconciled NotebookJob must be for its first reconcile to skip reading its Secret. */
const JUST_CREATED_MS = 60_000;

/**
 * A NotebookJob created moments ago and never reconciled (no status): the
 * create path. Its Secret, if any, is an old object's or one a run-now wrote
 * a moment ago, so a new token is written without reading it first (a
 * replaced token stays valid for a pod that read it, see runner-secret.ts).
 */
function isJustCreated(job: NotebookJob, now: number): boolean {
  const created = Date.parse(String(job.metadata.creationTimestamp ?? ''));
  return job.status?.observedGeneration === undefined && now - created < JUST_CREATED_MS;
}

/** Reconciles one NotebookJob, remembering what it applied so unchanged objects are not re-applied. */
class NotebookJobReconciler implements Reconciler {
  /** Per NotebookJob: the fingerprint last applied successfully, and when its runner token is due. */
  private readonly applied = new Map<string, { fingerprint: string; tokenRenewAt: number }>();
  /**
   * {@link scheduleProblem} per distinct cron and zone: every resync checks
   * every job (10,000 at scale) and the check builds a time zone formatter
   * and a croner pattern, while the distinct schedules are few.
   */
  private readonly scheduleProblems = new Map<string, string | undefined>();

  constructor(private readonly options: NotebookJobControllerOptions) {}

  /** Makes the next pass over every NotebookJob re-apply its Secret. */
  forgetAll(): void {
    this.applied.clear();
    this.scheduleProblems.clear();
  }

  /** One pass over one NotebookJob; throws to be retried with backoff. */
  async reconcile(name: string): Promise<void> {
    const cached = this.options.caches.notebookJobs.get(name);
    if (!cached) {
      this.applied.delete(name);
      return;
    }
    const job = asNotebookJob(cached);
    // Being deleted: the garbage collector removes what it owns.
    if (job.metadata.deletionTimestamp) return;
    let failure: unknown;
    try {
      await this.applyOwnedObjects(job);
    } catch (err) {
      failure = err;
    }
    const problem = failure === undefined ? this.scheduleProblem(job) : toKubeError(failure).message;
    await this.writeStatus(job, problem);
    if (failure !== undefined) throw failure;
  }

  private scheduleProblem(job: NotebookJob): string | undefined {
    const schedule = job.spec.schedule;
    if (!schedule) return undefined;
    const key = `${schedule.cron}\u0000${schedule.timezone}`;
    if (this.scheduleProblems.has(key)) return this.scheduleProblems.get(key);
    if (this.scheduleProblems.size >= SCHEDULE_PROBLEMS_KEPT) this.scheduleProblems.clear();
    const problem = scheduleProblem(schedule);
    this.scheduleProblems.set(key, problem);
    return problem;
  }

  private async applyOwnedObjects(job: NotebookJob): Promise<void> {
    const name = job.metadata.name ?? '';
    const { api, caches, tokens } = this.options;
    const fingerprint = JSON.stringify([job.metadata.uid, job.metadata.generation, job.metadata.labels]);
    const cronJob = caches.cronJobs.get(cronJobName(name));
    const last = this.applied.get(name);
    // A short-lived runner token is renewed when due, whatever else changed.
    const upToDate = last?.fingerprint === fingerprint && Date.now() < last.tokenRenewAt;
    const fresh = isJustCreated(job, Date.now());
    const tokenRenewAt = upToDate
      ? last.tokenRenewAt
      : (await ensureRunnerSecret(api, job, tokens, { fresh })).renewAt;
    // An earlier version scheduled with a CronJob; the ScheduleFirer does now.
    // Orphan, not cascade: its past runs are history the NotebookJob adopts below.
    const legacy = cronJob?.metadata?.ownerReferences?.some((r) => r.uid === job.metadata.uid);
    if (cronJob && legacy && !cronJob.metadata?.deletionTimestamp)
      await api.cronJobs.delete(cronJobName(name), { propagationPolicy: 'Orphan' });
    await this.adoptOrphanedRuns(job);
    this.applied.set(name, { fingerprint, tokenRenewAt });
  }

  /** Runs of this job nobody owns (their legacy CronJob was deleted with Orphan) become the NotebookJob's. */
  private async adoptOrphanedRuns(job: NotebookJob): Promise<void> {
    const orphans = this.cachedRuns(job.metadata.name ?? '').filter(
      (j) => (j.metadata?.ownerReferences ?? []).length === 0 && !j.metadata?.deletionTimestamp,
    );
    for (const orphan of orphans) {
      await this.options.api.jobs.mergePatch(orphan.metadata?.name ?? '', {
        metadata: {
          resourceVersion: orphan.metadata?.resourceVersion,
          ownerReferences: [notebookJobOwnerReference(job)],
        },
      });
    }
  }

  private async writeStatus(job: NotebookJob, error: string | undefined): Promise<void> {
    const name = job.metadata.name ?? '';
    const { api } = this.options;
    const desired = desiredStatus(job, {
      runs: this.runsOf(name),
      ...(error ? { error } : {}),
      now: new Date(),
    });
    const patch = statusMergePatch(job.status, desired);
    if (!patch) return;
    await api.notebookJobs.mergePatch(name, patch, { subresource: 'status' });
  }

  /** The NotebookJob's run Jobs in the cache: through the runtime's index, at scale a few of 50,000. */
  private cachedRuns(objectName: string): V1Job[] {
    const { runsOf, caches } = this.options;
    return runsOf
      ? runsOf(objectName)
      : caches.jobs.list({ labelSelector: { [JOB_LABELS.job]: objectName } });
  }

  private runsOf(objectName: string): RunRecord[] {
    return this.cachedRuns(objectName).filter(isRunJob).map(runRecordFromJob).sort(newestFirst);
  }
}
