import type { V1CronJob, V1Job, V1Node } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { NotebookJob } from '../hub-proxy/src/jobs/model.js';
import {
  NOTEBOOK_JOB_GROUP,
  NOTEBOOK_JOB_PLURAL,
  NOTEBOOK_JOB_VERSION,
} from '../hub-proxy/src/jobs/notebook-job-schema.js';
import type { InformerCache, KubeClients } from '../hub-proxy/src/k8s/index.js';
import { waitUntil } from '../tests/support/child-process.js';
import { cronJobControllerFigures, waitForCronJobQueue, type CronJobControllerFigures } from './scale-kcm.js';
import {
  benchNotebookJob,
  createNotebookJobs,
  pool,
  userName,
  withRetry,
  type CreationRate,
} from './scale-seed.js';

/** The CronJob controller's annotation on each Job it makes: the scheduled time (RFC 3339). */
const SCHEDULED_AT = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** What the fire test saw at its minute boundary. */
export interface FireFigures {
  jobs: number;
  /** The minute boundary measured (ISO). */
  boundary: string;
  /** From the boundary to the last of the boundary's Jobs seen by a watch, in seconds. */
  lastJobSeconds: number;
  /** From the boundary to the median Job seen, in seconds. */
  medianJobSeconds: number;
  /** The same, from the Jobs' creationTimestamp (whole seconds, as the apiserver stamps it). */
  lastJobCreationTimestampSeconds: number;
  /** CronJobs without a Job for the boundary. */
  lost: number;
  /** Jobs beyond the first for one CronJob and the boundary. */
  duplicated: number;
  /** The boundary's Jobs whose pod has started (active, succeeded or failed) 55 s after it. */
  started: number;
  /**
   * For a loss, where it happened: fire CronJobs whose `status.lastScheduleTime`
   * is the boundary (the CronJob controller did schedule it), and Jobs of the
   * fire CronJobs for any boundary (a late or early fire still shows here).
   */
  scheduledAtBoundary: number;
  jobsOfAnyBoundary: number;
  /**
   * The boundary's Jobs counted by a list straight from the apiserver, not the
   * benchmark's watch: tells a missed watch event from a Job never made.
   */
  boundaryJobsListed: number;
  /** How long the benchmark waited after the boundary for the Jobs. */
  waitedSeconds: number;
  /**
   * The CronJob controller's queue: left over from making every other
   * CronJob, waited out before the fire's CronJobs are made (`beforeCreate`;
   * up to `SCALE_FIRE_DRAIN_SECONDS`, else `drained` false), and as the
   * boundary came (`depthAtBoundary`). Not waited out after the unsuspends:
   * once live, 1,000 `*／1` schedules refill it every minute.
   */
  controllerQueue: {
    beforeCreate: { depth: number; drainSeconds: number; drained: boolean };
    depthAtBoundary: number;
  };
  /** kube-controller-manager's own count and mean delay of the Jobs it made from the boundary on. */
  controllerSkew: { jobs: number; meanSeconds: number; maxBucketSeconds: number };
  created: CreationRate;
}

/**
 * Big kwok nodes for the fired runs' pods, so every one of them gets a node
 * (the control plane's three fake nodes hold about 60 run pods).
 */
export async function addRunNodes(clients: KubeClients, count: number): Promise<void> {
  const capacity = { cpu: '1000', memory: '4Ti', pods: '500', 'ephemeral-storage': '1000Ti' };
  for (let i = 0; i < count; i++) {
    const node: V1Node = {
      metadata: {
        name: `kwok-scale-${i}`,
        labels: { 'kubernetes.io/hostname': `kwok-scale-${i}`, 'kubernetes.io/os': 'linux', type: 'kwok' },
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
      },
      status: { capacity, allocatable: capacity },
    };
    await clients.core.createNode({ body: node });
  }
}

function nextMinute(ms: number): number {
  return Math.ceil(ms / 60_000) * 60_000;
}

/**
 * `count` NotebookJobs with the same `*／1` schedule. They are created
 * suspended, so none fires while the rest are still being made, and
 * unsuspended together just after a minute boundary; the next boundary is
 * the one measured. `concurrency: allow`, so a run of an earlier minute still
 * going cannot hold back the measured one (with `forbid` the CronJob
 * controller skips a schedule while the previous run is active, by design).
 * `cronJobs` and `jobs` are the benchmark's own caches of the namespace.
 */
export async function fireSameMinute(options: {
  clients: KubeClients;
  namespace: string;
  users: number;
  count: number;
  concurrency: number;
  cronJobs: InformerCache<V1CronJob>;
  jobs: InformerCache<V1Job>;
  /** kube-controller-manager's metrics port. */
  controllerManagerPort: number;
  /** The longest wait for the CronJob controller's queue to drain, each time. */
  drainTimeoutMs: number;
  /** The longest wait after the boundary for its Jobs. */
  fireWaitMs: number;
  log: (line: string) => void;
}): Promise<FireFigures> {
  const { clients, namespace, count, cronJobs, jobs, log } = options;
  const drain = async (when: string) => {
    const d = await waitForCronJobQueue(options.controllerManagerPort, options.drainTimeoutMs);
    log(
      `fire: CronJob controller queue ${when}: ${d.depthAtStart} waiting; ${d.drained ? 'drained' : 'NOT drained'} after ${d.seconds.toFixed(0)} s`,
    );
    return { depth: d.depthAtStart, drainSeconds: d.seconds, drained: d.drained };
  };
  const beforeCreate = await drain('before the fire CronJobs are made');
  const wanted = Array.from({ length: count }, (_, i) =>
    benchNotebookJob(userName(i % options.users), `fire-${i}`, {
      cron: '*/1 * * * *',
      suspend: true,
      concurrency: 'allow',
    }),
  );
  const { created, rate } = await createNotebookJobs(clients, namespace, wanted, options.concurrency);
  const names = new Set(created.map((job: NotebookJob) => job.metadata.name ?? ''));
  const fireCronJobs = () => cronJobs.list().filter((c) => names.has(c.metadata?.name ?? ''));
  await waitUntil('every fire CronJob made', async () => fireCronJobs().length === count, {
    timeoutMs: 600_000,
    intervalMs: 500,
  });
  log(`fire: ${count} suspended CronJobs made`);

  // Unsuspend right after a boundary, so they are all live well before the next one.
  const afterBoundary = nextMinute(Date.now()) + 1_000 - Date.now();
  await new Promise((r) => setTimeout(r, afterBoundary));
  await pool(created, options.concurrency, async (job) => {
    await withRetry(() =>
      clients.customObjects.patchNamespacedCustomObject(
        {
          group: NOTEBOOK_JOB_GROUP,
          version: NOTEBOOK_JOB_VERSION,
          namespace,
          plural: NOTEBOOK_JOB_PLURAL,
          name: job.metadata.name ?? '',
          body: { spec: { suspend: false } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  });
  await waitUntil(
    'every fire CronJob unsuspended',
    async () => fireCronJobs().every((c) => !c.spec?.suspend),
    {
      timeoutMs: 600_000,
      intervalMs: 250,
    },
  );
  const live = Date.now();
  // The boundary after all are live, with 3 s to spare for the controller to requeue them.
  const boundary = nextMinute(live + 3_000);
  log(
    `fire: unsuspended ${((live % 60_000) / 1000).toFixed(1)} s into the minute; measuring ${new Date(boundary).toISOString()}`,
  );

  const boundaryIso = new Date(boundary).toISOString().replace('.000Z', 'Z');
  const seenAt = new Map<string, number>();
  const perfAtBoundary = performance.now() + (boundary - Date.now());
  const onJob = (job: V1Job) => {
    const name = job.metadata?.name ?? '';
    if (job.metadata?.annotations?.[SCHEDULED_AT] !== boundaryIso || seenAt.has(name)) return;
    seenAt.set(name, performance.now());
  };
  const off = [jobs.on('add', onJob), jobs.on('update', onJob)];
  await new Promise((r) => setTimeout(r, Math.max(0, boundary - 1_000 - Date.now())));
  const controllerBefore = await cronJobControllerFigures(options.controllerManagerPort);
  const scheduledNow = () =>
    fireCronJobs().filter((c) => String(c.status?.lastScheduleTime ?? '') === boundaryIso).length;
  // Progress, so a stall shows where it is: the CronJob controller's status or the Jobs.
  const progress = setInterval(() => {
    if (Date.now() < boundary) return;
    log(
      `fire: +${((Date.now() - boundary) / 1000).toFixed(0)} s: ${ofBoundary().length} Jobs seen, ${scheduledNow()} CronJobs scheduled`,
    );
  }, 10_000);
  const ofBoundary = () =>
    jobs
      .list()
      .filter((j) => j.metadata?.annotations?.[SCHEDULED_AT] === boundaryIso && names.has(ownerOf(j)));
  try {
    await waitUntil(
      'every fire CronJob ran once for the boundary',
      async () => Date.now() > boundary && ofBoundary().length >= count,
      {
        timeoutMs: boundary - Date.now() + options.fireWaitMs,
        intervalMs: 100,
      },
    ).catch((err: unknown) => log(`fire: ${String(err)}`));
    // Let the pods start, and any duplicate show, before counting.
    await new Promise((r) => setTimeout(r, Math.max(0, boundary + 55_000 - Date.now())));
  } finally {
    clearInterval(progress);
    for (const o of off) o();
  }

  const waitedSeconds = (Date.now() - boundary) / 1000;
  const controllerAfter = await cronJobControllerFigures(options.controllerManagerPort);
  const boundaryJobs = ofBoundary();
  const perCronJob = new Map<string, number>();
  for (const job of boundaryJobs) perCronJob.set(ownerOf(job), (perCronJob.get(ownerOf(job)) ?? 0) + 1);
  const lost = [...names].filter((n) => !perCronJob.has(n)).length;
  const duplicated = [...perCronJob.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const delays = boundaryJobs
    .map((j) => (seenAt.get(j.metadata?.name ?? '') ?? NaN) - perfAtBoundary)
    .filter((d) => !Number.isNaN(d))
    .sort((a, b) => a - b);
  const stamps = boundaryJobs.map((j) => Date.parse(String(j.metadata?.creationTimestamp ?? '')) - boundary);
  const scheduledAtBoundary = scheduledNow();
  const boundaryJobsListed = await countListed(
    clients,
    namespace,
    (j) => j.metadata?.annotations?.[SCHEDULED_AT] === boundaryIso && names.has(ownerOf(j)),
  );
  const jobsOfAnyBoundary = jobs.list().filter((j) => names.has(ownerOf(j))).length;
  const started = boundaryJobs.filter(
    (j) => (j.status?.active ?? 0) + (j.status?.succeeded ?? 0) + (j.status?.failed ?? 0) > 0,
  ).length;
  return {
    jobs: count,
    boundary: boundaryIso,
    lastJobSeconds: (delays[delays.length - 1] ?? NaN) / 1000,
    medianJobSeconds: (delays[Math.floor(delays.length / 2)] ?? NaN) / 1000,
    lastJobCreationTimestampSeconds: Math.max(...stamps) / 1000,
    lost,
    duplicated,
    started,
    scheduledAtBoundary,
    jobsOfAnyBoundary,
    boundaryJobsListed,
    waitedSeconds,
    controllerQueue: { beforeCreate, depthAtBoundary: controllerBefore.queueDepth },
    controllerSkew: skewBetween(controllerBefore, controllerAfter),
    created: rate,
  };
}

/** The Jobs the CronJob controller made between two readings, and their mean delay. */
function skewBetween(before: CronJobControllerFigures, after: CronJobControllerFigures) {
  const jobs = after.jobsCreated - before.jobsCreated;
  const sum = (f: CronJobControllerFigures) =>
    f.jobsCreated > 0 ? f.creationSkewMeanSeconds * f.jobsCreated : 0;
  return {
    jobs,
    meanSeconds: jobs > 0 ? (sum(after) - sum(before)) / jobs : NaN,
    maxBucketSeconds: after.creationSkewMaxBucketSeconds,
  };
}

/** Scheduled Jobs in `namespace` that pass `keep`, listed from the apiserver in pages. */
async function countListed(
  clients: KubeClients,
  namespace: string,
  keep: (job: V1Job) => boolean,
): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await withRetry(() =>
      clients.batch.listNamespacedJob({
        namespace,
        labelSelector: 'turing.dev/trigger=schedule',
        limit: 500,
        _continue: token,
      }),
    );
    count += page.items.filter(keep).length;
    token = page.metadata?._continue || undefined;
  } while (token);
  return count;
}

/** The CronJob that made `job` (its controller owner reference). */
function ownerOf(job: V1Job): string {
  return job.metadata?.ownerReferences?.find((o) => o.kind === 'CronJob')?.name ?? '';
}
