import type { V1Job, V1Pod } from '@kubernetes/client-node';
import {
  silentKubeLogger,
  type InformerCache,
  type KubeLogger,
  type ManagedController,
} from '../../k8s/index.js';
import { isTerminal } from '../model.js';
import { JOB_ANNOTATIONS, JOB_LABELS } from '../naming.js';
import { JOB_NAME_POD_LABEL } from './batch-manifests.js';
import { missingClaimOf } from './home-volume.js';
import { isRunJob, runRecordFromJob } from './job-run-record.js';

/** Settings of a {@link MissingClaimWatcher}. */
export interface MissingClaimWatcherOptions {
  /** Pods carrying the owner label (the cluster's shared cache): run pods among them. */
  pods: InformerCache<V1Pod>;
  /** The runtime's run Jobs. */
  jobs: InformerCache<V1Job>;
  /** Ends the run as failed with `reason` (see `KubernetesJobRuntime.failRun`). */
  failRun(runId: string, reason: string): Promise<void>;
  logger?: KubeLogger;
}

/**
 * Fails a run at once when its pod can never be scheduled because a
 * PersistentVolumeClaim it mounts does not exist (the owner's home volume,
 * `jobs.homeVolume`, for a user who never started a server). Without it the
 * pod would stay Pending until the run's timeout, reported as queued.
 * Runs under the controllers' Lease, like every other writer.
 */
export class MissingClaimWatcher implements ManagedController {
  readonly name = 'run-pod-claims';
  private unsubscribe: Array<() => void> = [];
  /** Runs already being failed, so pod updates in between do not patch twice. */
  private readonly failing = new Set<string>();
  private readonly logger: KubeLogger;

  constructor(private readonly options: MissingClaimWatcherOptions) {
    this.logger = options.logger ?? silentKubeLogger;
  }

  ready(): boolean {
    return this.options.pods.synced && this.options.jobs.synced;
  }

  start(): void {
    if (this.unsubscribe.length > 0) return;
    const check = (pod: V1Pod) => this.check(pod);
    this.unsubscribe = [this.options.pods.on('add', check), this.options.pods.on('update', check)];
    for (const pod of this.options.pods.list()) this.check(pod);
  }

  stop(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    return Promise.resolve();
  }

  private check(pod: V1Pod): void {
    const runId = pod.metadata?.labels?.[JOB_NAME_POD_LABEL];
    if (!runId || !pod.metadata?.labels?.[JOB_LABELS.job] || this.failing.has(runId)) return;
    const claim = missingClaimOf(pod);
    if (!claim) return;
    const job = this.options.jobs.get(runId);
    if (!job || !isRunJob(job) || job.metadata?.annotations?.[JOB_ANNOTATIONS.failure]) return;
    const run = runRecordFromJob(job);
    if (isTerminal(run.state)) return;
    const reason =
      `The run needs ${run.owner}'s home volume, PersistentVolumeClaim "${claim}", which does not exist. ` +
      'It is created when the user first starts a server: start one, then run the job again.';
    this.failing.add(runId);
    void this.options
      .failRun(runId, reason)
      .then(() => this.logger.info({ run: runId, claim }, 'run failed: its home volume claim does not exist'))
      .catch((err: unknown) => {
        this.logger.warn(
          { run: runId, err: String(err) },
          'could not fail a run whose claim is missing; retrying',
        );
        this.retryLater(pod);
      })
      .finally(() => this.failing.delete(runId));
  }

  /** Looks at the pod again after a while, as long as this replica still acts. */
  private retryLater(pod: V1Pod): void {
    const name = pod.metadata?.name;
    if (!name) return;
    const timer = setTimeout(() => {
      const current = this.options.pods.get(name, pod.metadata?.namespace);
      if (this.unsubscribe.length > 0 && current) this.check(current);
    }, RETRY_MS);
    timer.unref();
  }
}

const RETRY_MS = 5_000;
