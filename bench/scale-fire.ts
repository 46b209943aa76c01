import type { V1Job, V1Node } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { NotebookJob } from '../hub-proxy/src/jobs/model.js';
import { JOB_LABELS } from '../hub-proxy/src/jobs/naming.js';
import { scheduledRunId } from '../hub-proxy/src/jobs/schedule-ticks.js';
import {
  NOTEBOOK_JOB_GROUP,
  NOTEBOOK_JOB_PLURAL,
  NOTEBOOK_JOB_VERSION,
} from '../hub-proxy/src/jobs/notebook-job-schema.js';
import type { InformerCache, KubeClients } from '../hub-proxy/src/k8s/index.js';
import { waitUntil } from '../tests/support/child-process.js';
import {
  benchNotebookJob,
  createNotebookJobs,
  pool,
  userName,
  withRetry,
  type CreationRate,
} from './scale-seed.js';

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
  /** Fire jobs without a run for the boundary. */
  lost: number;
  /** Runs beyond the first for one job and the boundary (by name there can be none; counted by label). */
  duplicated: number;
  /** The boundary's Jobs whose pod has started (active, succeeded or failed) 55 s after it. */
  started: number;
  /** Runs of the fire jobs for any boundary (a late or early fire still shows here). */
  jobsOfAnyBoundary: number;
  /**
   * The boundary's Jobs counted by a list straight from the apiserver, not the
   * benchmark's watch: tells a missed watch event from a Job never made.
   */
  boundaryJobsListed: number;
  /** How long the benchmark waited after the boundary for the Jobs. */
  waitedSeconds: number;
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
 * the one measured: hub-proxy's leader (its ScheduleFirer) makes a Job per
 * job for it. `concurrency: allow`, so a run of an earlier minute still
 * going cannot hold back the measured one. `jobs` is the benchmark's own
 * cache of the namespace's run Jobs.
 */
export async function fireSameMinute(options: {
  clients: KubeClients;
  namespace: string;
  users: number;
  count: number;
  concurrency: number;
  jobs: InformerCache<V1Job>;
  /** The longest wait after the boundary for its Jobs. */
  fireWaitMs: number;
  log: (line: string) => void;
}): Promise<FireFigures> {
  const { clients, namespace, count, jobs, log } = options;
  const wanted = Array.from({ length: count }, (_, i) =>
    benchNotebookJob(userName(i % options.users), `fire-${i}`, {
      cron: '*/1 * * * *',
      suspend: true,
      concurrency: 'allow',
    }),
  );
  const { created, rate } = await createNotebookJobs(clients, namespace, wanted, options.concurrency);
  const names = new Set(created.map((job: NotebookJob) => job.metadata.name ?? ''));
  log(`fire: ${count} suspended jobs made`);

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
  const live = Date.now();
  // The boundary after all are live, with 3 s to spare for hub-proxy's caches to see the last patch.
  const boundary = nextMinute(live + 3_000);
  log(
    `fire: unsuspended ${((live % 60_000) / 1000).toFixed(1)} s into the minute; measuring ${new Date(boundary).toISOString()}`,
  );

  const boundaryIso = new Date(boundary).toISOString().replace('.000Z', 'Z');
  const isBoundaryRun = (job: V1Job) => {
    const owner = ownerOf(job);
    return names.has(owner) && job.metadata?.name === scheduledRunId(owner, new Date(boundary));
  };
  const seenAt = new Map<string, number>();
  const perfAtBoundary = performance.now() + (boundary - Date.now());
  const onJob = (job: V1Job) => {
    const name = job.metadata?.name ?? '';
    if (!isBoundaryRun(job) || seenAt.has(name)) return;
    seenAt.set(name, performance.now());
  };
  const off = [jobs.on('add', onJob), jobs.on('update', onJob)];
  const ofBoundary = () => jobs.list().filter(isBoundaryRun);
  // Progress, so a stall shows where it is.
  const progress = setInterval(() => {
    if (Date.now() < boundary) return;
    log(`fire: +${((Date.now() - boundary) / 1000).toFixed(0)} s: ${ofBoundary().length} Jobs seen`);
  }, 10_000);
  try {
    await waitUntil(
      'every fire job ran once for the boundary',
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
  const boundaryJobs = ofBoundary();
  const perJob = new Map<string, number>();
  for (const job of boundaryJobs) perJob.set(ownerOf(job), (perJob.get(ownerOf(job)) ?? 0) + 1);
  const lost = [...names].filter((n) => !perJob.has(n)).length;
  // A second run for the same tick would need another name: count each job's runs created in the boundary's minute.
  const duplicated = [...names].reduce((sum, n) => {
    const inMinute = jobs.list().filter((j) => {
      const at = Date.parse(String(j.metadata?.creationTimestamp ?? ''));
      return ownerOf(j) === n && at >= boundary && at < boundary + 60_000;
    }).length;
    return sum + Math.max(0, inMinute - 1);
  }, 0);
  const delays = boundaryJobs
    .map((j) => (seenAt.get(j.metadata?.name ?? '') ?? NaN) - perfAtBoundary)
    .filter((d) => !Number.isNaN(d))
    .sort((a, b) => a - b);
  const stamps = boundaryJobs.map((j) => Date.parse(String(j.metadata?.creationTimestamp ?? '')) - boundary);
  const boundaryJobsListed = await countListed(clients, namespace, isBoundaryRun);
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
    jobsOfAnyBoundary,
    boundaryJobsListed,
    waitedSeconds,
    created: rate,
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
        labelSelector: `${JOB_LABELS.trigger}=schedule`,
        limit: 500,
        _continue: token,
      }),
    );
    count += page.items.filter(keep).length;
    token = page.metadata?._continue || undefined;
  } while (token);
  return count;
}

/** The NotebookJob a run Job belongs to (its label). */
function ownerOf(job: V1Job): string {
  return job.metadata?.labels?.[JOB_LABELS.job] ?? '';
}
