import type { KubernetesObject, V1Job, V1Pod } from '@kubernetes/client-node';
import {
  isTerminal,
  type AlertDelivery,
  type JobRuntime,
  type ModelOutputOutcome,
  type NotebookJob,
  type RunFinishedListener,
  type RunMarker,
  type RunProgress,
  type RunRecord,
  type RunTokens,
  type StartRunRequest,
} from '../model.js';
import { JOB_ANNOTATIONS, JOB_LABELS, dependencyRunId, manualRunId } from '../naming.js';
import {
  isKubeError,
  silentKubeLogger,
  type InformerCache,
  type InformerMetricsHooks,
  type KubeClients,
  type KubeLogger,
  type ManagedController,
  followPodLog,
} from '../../k8s/index.js';
import { runJobManifest, type RunnerPodOptions } from './batch-manifests.js';
import { isRunJob, newestFirst, runRecordFromJob } from './job-run-record.js';
import { asKubernetesObject, asNotebookJob, jobsKubeApi, type JobsKubeApi } from './jobs-kube-api.js';
import { trimCronJob, trimNotebookJob, trimRunJob } from './cache-trim.js';
import { LabelIndex } from './label-index.js';
import { LABELS } from '../../ownership/labels.js';
import type { OwnedObjectIndex } from '../../ownership/owned-objects.js';
import type { IndexedJobRuntime } from '../owned-jobs.js';
import { MissingClaimWatcher } from './missing-claim-watcher.js';
import { NotebookJobController, type JobsCaches } from './notebook-job-controller.js';
import { ensureRunnerSecret } from './runner-secret.js';
import { RunPodLogs, type RunPodLogsOptions } from './pod-log-follower.js';
import { ScheduleFirer } from './schedule-firer.js';
import { appendAlertDelivery, claimRunMarker } from './conflict-retried-writes.js';

/** Settings of a {@link KubernetesJobRuntime}. */
export interface KubernetesJobRuntimeOptions extends RunnerPodOptions {
  clients: KubeClients;
  /**
   * Where the runtime registers its NotebookJob controller: the process's
   * ControllerManager, which runs it only while this replica holds the Lease.
   */
  controllers: { register(controller: ManagedController): void };
  /** Issues the job-scoped runner tokens stored in each job's Secret. */
  tokens: RunTokens;
  /** Controller resync period (reconcile all, re-deliver unfinished lifecycles). Default 30 s. */
  resyncMs?: number;
  /** How long {@link KubernetesJobRuntime.start} waits for the caches. Default 60 s. */
  syncTimeoutMs?: number;
  /**
   * The cluster's cache of owner-labelled pods (run pods among them). Given,
   * a {@link MissingClaimWatcher} fails runs whose pod waits for a claim that
   * does not exist (the owner's home volume); absent, such runs wait for their timeout.
   */
  pods?: InformerCache<V1Pod>;
  /**
   * The same cache of owner-labelled pods, for live logs: given, `followLog`
   * follows a running run's pod log through the API server (`get` on
   * `pods/log`), one stream per run shared by every viewer; absent, viewers
   * get the stored `log.txt` once the run has ended.
   */
  logPods?: InformerCache<V1Pod>;
  /** Settings of the live logs (history kept, slow viewers, linger, metrics). */
  liveLogs?: Omit<RunPodLogsOptions, 'pods' | 'runState' | 'open'>;
  /** On becoming leader, ticks missed up to this many seconds ago still start (ScheduleFirer). Default 300. */
  scheduleCatchUpSeconds?: number;
  /** Called for each scheduled run started: its tick and how late it was created (for metrics). */
  onScheduledRunStarted?(tick: Date, lateSeconds: number): void;
  /** Metrics hooks per cache, by label (`notebookjobs`, `jobs`, `cronjobs`). */
  informerHooks?(label: string): InformerMetricsHooks;
  logger?: KubeLogger;
}

/**
 * The `kubernetes` {@link JobRuntime}: definitions are NotebookJob objects,
 * each run is a batch/v1 Job (named by the run id), and schedules fire from
 * hub-proxy ({@link ScheduleFirer}), not from CronJobs.
 *
 * Every replica runs the caches (NotebookJobs, and the Jobs and legacy
 * CronJobs labelled {@link JOB_LABELS.job}) to answer reads. The controller
 * that writes Secrets and status and calls the run-finished listeners
 * ({@link NotebookJobController}) and the ScheduleFirer are registered with
 * `options.controllers` when the runtime is constructed; the process's
 * ControllerManager starts them while this replica holds the controllers'
 * Lease and the caches are synced, and stops them when the Lease is lost or
 * the manager stops.
 *
 * With `logPods`, `followLog` streams a running run's container log from
 * the API server (`pods/log?follow=true`), one upstream per run shared by
 * all its viewers ({@link RunPodLogs}). The runner also uploads `log.txt`
 * when the run ends, which callers fall back to for finished runs.
 */
export class KubernetesJobRuntime implements JobRuntime, IndexedJobRuntime {
  readonly kind = 'kubernetes' as const;
  readonly definitions: JobRuntime['definitions'];
  /** The caches, for readiness and status pages. */
  readonly caches: JobsCaches;
  /** Cached NotebookJobs by owner label, in name order: the jobs API's listings page from it. */
  readonly definitionIndex: OwnedObjectIndex<NotebookJob>;
  /** Cached run Jobs by their NotebookJob's object name ({@link JOB_LABELS.job}). */
  private readonly runIndex: LabelIndex<V1Job>;
  private readonly ownerIndex: LabelIndex<KubernetesObject>;
  readonly controller: NotebookJobController;
  /** Starts the scheduled runs while this replica leads. */
  readonly schedules: ScheduleFirer;
  private readonly api: JobsKubeApi;
  private readonly listeners: RunFinishedListener[] = [];
  private readonly logger: KubeLogger;
  private started: Promise<void> | undefined;
  private readonly liveLogs: RunPodLogs | undefined;

  constructor(private readonly options: KubernetesJobRuntimeOptions) {
    this.api = jobsKubeApi(options.clients);
    this.logger = options.logger ?? silentKubeLogger;
    const hooks = (label: string) => options.informerHooks?.(label) ?? {};
    this.caches = {
      notebookJobs: this.api.notebookJobs.informer({
        ...hooks('notebookjobs'),
        trim: trimNotebookJob,
        logger: this.logger,
      }),
      jobs: this.api.jobs.informer({
        ...hooks('jobs'),
        labelSelector: JOB_LABELS.job,
        trim: trimRunJob,
        logger: this.logger,
      }),
      cronJobs: this.api.cronJobs.informer({
        ...hooks('cronjobs'),
        labelSelector: JOB_LABELS.job,
        trim: trimCronJob,
        logger: this.logger,
      }),
    };
    // Before anything listens or starts: the controller and the API read runs through it.
    this.runIndex = new LabelIndex(this.caches.jobs, JOB_LABELS.job);
    this.ownerIndex = new LabelIndex(this.caches.notebookJobs, LABELS.owner);
    this.definitionIndex = {
      ready: () => this.caches.notebookJobs.synced,
      after: (ownerLabel, after) => mapped(this.ownerIndex.after(ownerLabel, after), readOnlyNotebookJob),
      observed: (name, uid, timeoutMs) =>
        this.caches.notebookJobs.synced ? this.ownerIndex.observed(name, uid, timeoutMs) : Promise.resolve(),
    };
    this.controller = new NotebookJobController({
      api: this.api,
      caches: this.caches,
      runsOf: (objectName) => this.cachedRunJobs(objectName),
      tokens: options.tokens,
      listeners: () => this.listeners,
      ...(options.resyncMs !== undefined ? { resyncMs: options.resyncMs } : {}),
      logger: this.logger,
    });
    this.definitions = definitionsOver(this.api);
    options.controllers.register(this.controller);
    this.schedules = new ScheduleFirer({
      notebookJobs: this.caches.notebookJobs,
      jobs: this.caches.jobs,
      runsOf: (objectName) => this.cachedRunJobs(objectName).filter(isRunJob).map(runRecordFromJob),
      startRun: (job, runId) => this.startScheduledRun(job, runId),
      cancelRun: (runId) => this.cancelRun(runId),
      ...(options.scheduleCatchUpSeconds !== undefined
        ? { catchUpSeconds: options.scheduleCatchUpSeconds }
        : {}),
      ...(options.onScheduledRunStarted ? { onStarted: options.onScheduledRunStarted } : {}),
      logger: this.logger,
    });
    options.controllers.register(this.schedules);
    if (options.logPods) {
      const { kubeConfig, namespace } = options.clients;
      this.liveLogs = new RunPodLogs({
        ...options.liveLogs,
        pods: options.logPods,
        runState: (runId) => this.cachedRun(runId)?.state,
        open: (pod, container, signal) => followPodLog(kubeConfig, { namespace, pod, container, signal }),
      });
    }
    if (options.pods) {
      options.controllers.register(
        new MissingClaimWatcher({
          pods: options.pods,
          jobs: this.caches.jobs,
          failRun: (runId, reason) => this.failRun(runId, reason),
          logger: this.logger,
        }),
      );
    }
  }

  /**
   * Starts the caches; resolves once they are synced, rejects if they are
   * not within `syncTimeoutMs` (they keep trying, and the manager still
   * starts the controller once they sync). Calling it again returns the
   * same promise.
   */
  start(): Promise<void> {
    this.started ??= (async () => {
      for (const cache of this.cacheList()) cache.start();
      const timeoutMs = this.options.syncTimeoutMs ?? 60_000;
      await Promise.all(this.cacheList().map((cache) => cache.waitForSync(timeoutMs)));
    })();
    return this.started;
  }

  /**
   * Stops the caches, and the controller if it is running (the manager
   * normally stops it first; stopping twice is harmless). The caches are
   * marked unsynced at once, so the manager does not start the controller
   * again over caches that no longer follow the cluster.
   */
  async stop(): Promise<void> {
    this.liveLogs?.close();
    const caches = Promise.all(this.cacheList().map((cache) => cache.stop()));
    await this.controller.stop();
    await caches;
  }

  private cacheList(): InformerCache<KubernetesObject>[] {
    return [this.caches.notebookJobs, this.caches.jobs, this.caches.cronJobs];
  }

  onRunFinished(listener: RunFinishedListener): void {
    this.listeners.push(listener);
  }

  /**
   * Creates the run's Job. The id is `request.runId`, else for dependency
   * runs {@link dependencyRunId} of `triggeredBy`, else a fresh
   * {@link manualRunId}. A Job of that id that already exists for this job is
   * returned instead (idempotent starts); the runner Secret is ensured first
   * so the pod can start even before the controller reconciled a new job.
   */
  async startRun(job: NotebookJob, request: StartRunRequest): Promise<RunRecord> {
    const objectName = job.metadata.name;
    if (!objectName) throw new Error('startRun: the NotebookJob has no metadata.name');
    const stored = job.metadata.uid ? job : await this.definitions.get(objectName);
    await ensureRunnerSecret(this.api, stored, this.options.tokens);
    const fixedId =
      request.runId ??
      (request.trigger === 'dependency' && request.triggeredBy
        ? dependencyRunId(objectName, request.triggeredBy)
        : undefined);
    for (let attempt = 0; ; attempt++) {
      const id = fixedId ?? manualRunId(objectName);
      const manifest = runJobManifest(
        stored,
        {
          id,
          trigger: request.trigger,
          ...(request.triggeredBy ? { triggeredBy: request.triggeredBy } : {}),
          ...(request.parameters ? { parameters: request.parameters } : {}),
        },
        this.options,
      );
      try {
        return runRecordFromJob(await this.api.jobs.create(manifest));
      } catch (err) {
        if (!isKubeError(err, 'already-exists')) throw err;
        if (fixedId === undefined && attempt < 2) continue; // a random id collided: draw another
        const existing = await this.api.jobs.get(id);
        if (existing.metadata?.labels?.[JOB_LABELS.job] !== objectName) throw err;
        return runRecordFromJob(existing);
      }
    }
  }

  /**
   * Creates the Job of one schedule tick, `runId` from `scheduledRunId` (schedule-ticks.ts).
   * No Secret check: the controller keeps every job's Secret, and a pod that
   * starts before it exists waits for it. A Job of that name already there
   * (the tick handled before, by this replica or another) is success.
   */
  private async startScheduledRun(job: NotebookJob, runId: string): Promise<void> {
    const manifest = runJobManifest(job, { id: runId, trigger: 'schedule' }, this.options);
    try {
      await this.api.jobs.create(manifest);
    } catch (err) {
      if (!isKubeError(err, 'already-exists')) throw err;
    }
  }

  /** From the Jobs cache once synced (through the index: the job's runs only), else the API server. */
  async listRuns(jobObjectName: string): Promise<RunRecord[]> {
    const jobs = this.caches.jobs.synced
      ? this.cachedRunJobs(jobObjectName)
      : (await this.api.jobs.list({ labelSelector: `${JOB_LABELS.job}=${jobObjectName}` })).items;
    return jobs.filter(isRunJob).map(runRecordFromJob).sort(newestFirst);
  }

  /** The cached run Jobs of one NotebookJob, found through the index. */
  private cachedRunJobs(jobObjectName: string): V1Job[] {
    return this.runIndex.objects(jobObjectName);
  }

  /**
   * The live log of a run the caches show unfinished; undefined without
   * `logPods`, or for a finished or unknown run (callers read `log.txt`).
   */
  followLog(runId: string, signal: AbortSignal): AsyncIterable<string> | undefined {
    const run = this.cachedRun(runId);
    if (!this.liveLogs || !run || isTerminal(run.state)) return undefined;
    return this.liveLogs.follow(runId, signal);
  }

  /** The run as the Jobs cache has it; no API call (the live logs look every 250 ms). */
  private cachedRun(runId: string): RunRecord | undefined {
    const job = this.caches.jobs.get(runId);
    return job && isRunJob(job) ? runRecordFromJob(job) : undefined;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const job = this.caches.jobs.get(runId) ?? (await this.api.jobs.find(runId));
    return job && isRunJob(job) ? runRecordFromJob(job) : undefined;
  }

  /**
   * Marks the run cancelled and sets its deadline to 1 s, so the Job
   * controller stops its pod and the Job ends `Failed` (reported as
   * `cancelled`). Suspending instead would leave the Job unfinished forever,
   * which blocks a `forbid` CronJob's next runs. Finished runs are returned unchanged.
   */
  async cancelRun(runId: string): Promise<RunRecord> {
    const run = runRecordFromJob(await this.api.jobs.get(runId));
    if (isTerminal(run.state)) return run;
    const patched = await this.api.jobs.mergePatch(runId, {
      metadata: { annotations: { [JOB_ANNOTATIONS.cancelled]: new Date().toISOString() } },
      spec: { activeDeadlineSeconds: 1 },
    });
    return runRecordFromJob(patched);
  }

  /**
   * Ends a run that cannot start, as `failed` with `reason`: the reason is
   * stored on the Job and its deadline set to 1 s, so the Job controller
   * removes the pod and fails the Job (see {@link cancelRun}). Finished runs
   * are left alone.
   */
  async failRun(runId: string, reason: string): Promise<void> {
    const run = runRecordFromJob(await this.api.jobs.get(runId));
    if (isTerminal(run.state)) return;
    await this.api.jobs.mergePatch(runId, {
      metadata: { annotations: { [JOB_ANNOTATIONS.failure]: reason } },
      spec: { activeDeadlineSeconds: 1 },
    });
  }

  async recordProgress(runId: string, progress: RunProgress): Promise<void> {
    await this.api.jobs.mergePatch(runId, {
      metadata: { annotations: { [JOB_ANNOTATIONS.progress]: JSON.stringify(progress) } },
    });
  }

  /**
   * Read-modify-write of the markers annotation, conditioned on the
   * resourceVersion just read, retried on conflict: of any number of
   * concurrent callers (in any process), exactly one sees `true`.
   */
  claimMarker(runId: string, marker: RunMarker): Promise<boolean> {
    return claimRunMarker(this.api, runId, marker);
  }

  /**
   * Appends `delivery` to the NotebookJob's `status.alerts` (newest
   * ALERT_HISTORY_LIMIT kept, see jobs/alert-history.ts) with a resourceVersion-checked status patch,
   * retried on conflict. A deleted job is ignored.
   */
  recordAlertDelivery(jobObjectName: string, delivery: AlertDelivery): Promise<void> {
    return appendAlertDelivery(this.api, jobObjectName, delivery);
  }

  /** Writes the outcome as an annotation of the run's Job (annotations hold up to 256 kB in all). */
  async recordModelOutput(runId: string, outcome: ModelOutputOutcome): Promise<void> {
    await this.api.jobs.mergePatch(runId, {
      metadata: { annotations: { [JOB_ANNOTATIONS.modelOutput]: JSON.stringify(outcome) } },
    });
  }

  /** Deletes the run's Job and, in the background, its pods. Absent is fine. */
  async deleteRun(runId: string): Promise<void> {
    await this.api.jobs.delete(runId, { propagationPolicy: 'Background' });
  }
}

/** `JobRuntime.definitions` over the NotebookJob store, normalising what comes back to API JSON. */
function definitionsOver(api: JobsKubeApi): JobRuntime['definitions'] {
  const store = api.definitions;
  return {
    list: async (options) => {
      const page = await store.list(options);
      return { ...page, items: page.items.map(asNotebookJob) };
    },
    get: async (name) => asNotebookJob(await store.get(name)),
    create: async (object) => asNotebookJob(await store.create(asKubernetesObject(object))),
    replace: async (object) => asNotebookJob(await store.replace(asKubernetesObject(object))),
    delete: (name, preconditions) => store.delete(name, preconditions),
  };
}

function* mapped<A, B>(items: Iterable<A>, f: (item: A) => B): Generator<B> {
  for (const item of items) yield f(item);
}

/** A cached NotebookJob seen as one, without a copy: the listings only read it. */
function readOnlyNotebookJob(object: KubernetesObject): NotebookJob {
  return object as unknown as NotebookJob;
}
