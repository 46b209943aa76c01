import type { V1Job, V1JobStatus } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { runJobManifest } from '../hub-proxy/src/jobs/kubernetes/batch-manifests.js';
import type { NotebookJob } from '../hub-proxy/src/jobs/model.js';
import { JOB_ANNOTATIONS } from '../hub-proxy/src/jobs/naming.js';
import {
  NOTEBOOK_JOB_GROUP,
  NOTEBOOK_JOB_PLURAL,
  NOTEBOOK_JOB_VERSION,
} from '../hub-proxy/src/jobs/notebook-job-schema.js';
import type { KubeClients } from '../hub-proxy/src/k8s/index.js';
import { notebookJobFixture } from '../tests/support/notebook-job-fixtures.js';
import { RUNNER_API_URL } from './scale-replicas.js';

/**
 * The scale benchmark's state, written straight to the apiserver with the
 * admin credentials, in the shape hub-proxy writes it: NotebookJobs as the
 * jobs service stores them (owner label and annotation, input snapshot
 * reference), and run Jobs from `runJobManifest`, owned by their
 * NotebookJob. hub-proxy's API is not used for this: 10,000 creates through
 * it would measure the create path (`npm run bench`'s job-create-latency)
 * for an hour on two cores. The controller still writes every runner Secret
 * and status, once hub-proxy starts.
 *
 * Runs are finished Jobs that never had a pod: `spec.managedBy` names a
 * controller other than the built-in one (honoured since Kubernetes 1.32,
 * GA in 1.35), so the Job controller leaves them alone and their status is
 * written here, Complete or Failed, as the Job controller would. Their
 * lifecycle markers are all set, as on a run hub-proxy has already
 * processed, so the controller does not alert or record 50,000 old runs.
 */

/** Value of `spec.managedBy` on the benchmark's pre-made runs. */
export const BENCH_JOB_MANAGER = 'turing.dev/scale-bench';
/** A schedule that does not fire while the benchmark runs (1 January, 03:00 UTC). */
export const QUIET_SCHEDULE = '0 3 1 1 *';

/** Runs `work` over `items`, at most `concurrency` at a time. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/** Retries a call the apiserver throttled or dropped (429, 5xx, connection reset). */
export async function withRetry<T>(call: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const code = (err as { code?: number }).code;
      const retriable = code === undefined || code === 429 || code >= 500;
      if (!retriable || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

/** The hub user of index `i`: `user-0042`. */
export function userName(i: number): string {
  return `user-${String(i).padStart(4, '0')}`;
}

/** What a seeding step did, and how fast. */
export interface CreationRate {
  objects: number;
  seconds: number;
  perSecond: number;
}

function rate(objects: number, startedMs: number): CreationRate {
  const seconds = (performance.now() - startedMs) / 1000;
  return { objects, seconds, perSecond: objects / seconds };
}

/** A NotebookJob of `owner` as the jobs service stores it. */
export function benchNotebookJob(
  owner: string,
  jobName: string,
  schedule: { cron: string; suspend?: boolean; concurrency?: 'allow' | 'forbid' },
): NotebookJob {
  return notebookJobFixture(owner, jobName, {
    schedule: { cron: schedule.cron, timezone: 'UTC' },
    suspend: schedule.suspend ?? false,
    concurrency: schedule.concurrency ?? 'forbid',
  });
}

/** Creates `jobs` (with bounded concurrency) and returns them as stored, with their uids. */
export async function createNotebookJobs(
  clients: KubeClients,
  namespace: string,
  jobs: NotebookJob[],
  concurrency: number,
): Promise<{ created: NotebookJob[]; rate: CreationRate }> {
  const started = performance.now();
  const created: NotebookJob[] = new Array<NotebookJob>(jobs.length);
  await pool(jobs, concurrency, async (job, i) => {
    created[i] = (await withRetry(() =>
      clients.customObjects.createNamespacedCustomObject({
        group: NOTEBOOK_JOB_GROUP,
        version: NOTEBOOK_JOB_VERSION,
        namespace,
        plural: NOTEBOOK_JOB_PLURAL,
        body: job,
      }),
    )) as NotebookJob;
  });
  return { created, rate: rate(jobs.length, started) };
}

/** The status the Job controller writes when a run ends (1.31+ also wants the *Target conditions). */
function finishedStatus(succeeded: boolean, startedAt: Date): V1JobStatus {
  const finishedAt = new Date(startedAt.getTime() + 60_000);
  const condition = (type: string, reason: string) => ({
    type,
    status: 'True',
    reason,
    message: reason,
    lastProbeTime: finishedAt,
    lastTransitionTime: finishedAt,
  });
  return succeeded
    ? {
        startTime: startedAt,
        completionTime: finishedAt,
        succeeded: 1,
        conditions: [
          condition('SuccessCriteriaMet', 'CompletionsReached'),
          condition('Complete', 'CompletionsReached'),
        ],
      }
    : {
        startTime: startedAt,
        failed: 1,
        conditions: [
          condition('FailureTarget', 'BackoffLimitExceeded'),
          condition('Failed', 'BackoffLimitExceeded'),
        ],
      };
}

/**
 * Creates `perJob` finished runs of each job: every tenth one Failed, the
 * rest Complete, a day apart. Two calls per run (create, then status).
 */
export async function createFinishedRuns(
  clients: KubeClients,
  namespace: string,
  jobs: NotebookJob[],
  total: number,
  concurrency: number,
): Promise<CreationRate> {
  const started = performance.now();
  const items = Array.from({ length: total }, (_, i) => i);
  const day = 86_400_000;
  await pool(items, concurrency, async (i) => {
    const job = jobs[i % jobs.length] as NotebookJob;
    const nth = Math.floor(i / jobs.length);
    const startedAt = new Date(Date.UTC(2026, 10, 1) + nth * day + (i % 3600) * 1000);
    const manifest = runJobManifest(
      job,
      {
        id: `${job.metadata.name ?? ''}-m${nth.toString(36).padStart(8, '0')}`,
        trigger: 'manual',
        createdAt: startedAt.toISOString(),
      },
      { runnerApiUrl: RUNNER_API_URL },
    );
    manifest.metadata.annotations = {
      ...manifest.metadata.annotations,
      [JOB_ANNOTATIONS.markers]: 'alerts,dependents,recorded',
    };
    manifest.spec = {
      ...manifest.spec,
      template: manifest.spec?.template ?? {},
      managedBy: BENCH_JOB_MANAGER,
    };
    const created: V1Job = await withRetry(() =>
      clients.batch.createNamespacedJob({ namespace, body: manifest }),
    );
    created.status = finishedStatus(i % 10 !== 9, startedAt);
    await withRetry(() =>
      clients.batch.replaceNamespacedJobStatus({ name: manifest.metadata.name, namespace, body: created }),
    );
  });
  return rate(total, started);
}
