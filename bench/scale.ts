/**
 * `npm run bench:scale`: hub-proxy against a real control plane holding
 * 10,000 NotebookJobs of 1,000 users and 50,000 finished runs. Sizes come
 * from the environment (SCALE_JOBS, SCALE_USERS, SCALE_RUNS, SCALE_FIRE; see
 * {@link sizes}), so it can be developed at a fraction of the scale.
 *
 * Phases: seed the state (scale-seed.ts); start two hub-proxy processes and
 * time their cache sync and the initial reconcile (every job's status written);
 * measure lists, memory and apiserver calls (scale-measure.ts); kill the
 * leader and time the handover (scale-handover.ts); fire 1,000 schedules at
 * one minute boundary (scale-fire.ts). Writes `bench/results/scale.json` and
 * exits non-zero if a run was lost or duplicated.
 *
 * RSS is read per replica at cache sync, right after the initial reconcile,
 * `SCALE_SETTLE_SECONDS` (30) later (`hub_proxy_rss_mb`: what the process
 * holds at rest) and after the lists; a 1 s sampler keeps the peak
 * (`hub_proxy_rss_peak_mb`: what a memory limit must allow).
 */
import type { KubernetesListObject, KubernetesObject, V1Job } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  NOTEBOOK_JOB_GROUP,
  NOTEBOOK_JOB_PLURAL,
  NOTEBOOK_JOB_VERSION,
} from '../hub-proxy/src/jobs/notebook-job-schema.js';
import { createKubeClients, InformerCache, type KubeClients } from '../hub-proxy/src/k8s/index.js';
import { waitUntil } from '../tests/support/child-process.js';
import { ControlPlane } from '../tests/support/control-plane.js';
import { installCrds } from '../tests/support/crds.js';
import { createNamespace } from '../tests/support/namespaces.js';
import { freePort } from '../tests/support/ports.js';
import { turingHub } from '../tests/support/turing-hub.js';
import { addRunNodes, fireSameMinute } from './scale-fire.js';
import { leaderOf, measureHandover } from './scale-handover.js';
import { heapSummary } from './scale-heap.js';
import { apiserverRequestsPerList, measureAdminLists, measureUserLists } from './scale-measure.js';
import {
  heapFigures,
  heapLimitMiB,
  kubeStatus,
  rssMb,
  sampleRssPeaks,
  startReplica,
  type Replica,
} from './scale-replicas.js';
import {
  benchNotebookJob,
  createFinishedRuns,
  createNotebookJobs,
  QUIET_SCHEDULE,
  userName,
} from './scale-seed.js';
import { formatSummary } from './stats.js';

const repoRoot = resolve(import.meta.dirname, '..');
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** The benchmark's sizes and knobs, from the environment. */
const sizes = {
  jobs: num('SCALE_JOBS', 10_000),
  users: num('SCALE_USERS', 1_000),
  runs: num('SCALE_RUNS', 50_000),
  fire: num('SCALE_FIRE', 1_000),
  /** Concurrent creates while seeding. */
  concurrency: num('SCALE_CONCURRENCY', 16),
  /** Users whose lists are sampled (each gets a hub token). */
  sampleUsers: num('SCALE_SAMPLE_USERS', 50),
  listSamples: num('SCALE_LIST_SAMPLES', 500),
  adminPageSize: num('SCALE_ADMIN_PAGE', 100),
  /** Short, but not so short that a loaded two-core machine misses renewals. */
  leaseSeconds: num('SCALE_LEASE_SECONDS', 10),
  /** Quiet time after the initial reconcile before the settled RSS is read. */
  settleSeconds: num('SCALE_SETTLE_SECONDS', 30),
  /** The longest wait after the fire's boundary for its Jobs. */
  fireWaitSeconds: num('SCALE_FIRE_WAIT_SECONDS', 300),
};

/**
 * kube-controller-manager's client is limited to 20 requests/s (burst 30) by
 * default, shared by all its controllers: the Job controller's 1,000 pods for
 * the fired runs would take nearly a minute on that budget alone. Clusters
 * that run thousands of jobs raise it; so does this benchmark (override with
 * SCALE_KCM_ARGS, space-separated; empty for the defaults).
 */
const kcmArgs = (
  process.env.SCALE_KCM_ARGS ?? '--kube-api-qps=200 --kube-api-burst=400 --concurrent-job-syncs=20'
)
  .split(' ')
  .filter(Boolean);

const log = (line: string) => console.log(`[scale ${new Date().toISOString().slice(11, 19)}] ${line}`);
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** The namespace's NotebookJobs, and its scheduled Jobs (the 50,000 manual runs are left out). */
function observe(clients: KubeClients, namespace: string) {
  const crd = { group: NOTEBOOK_JOB_GROUP, version: NOTEBOOK_JOB_VERSION, plural: NOTEBOOK_JOB_PLURAL };
  const notebookJobs = new InformerCache<KubernetesObject>({
    kubeConfig: clients.kubeConfig,
    resource: crd,
    namespace,
    list: async () =>
      (await clients.customObjects.listNamespacedCustomObject({
        ...crd,
        namespace,
      })) as KubernetesListObject<KubernetesObject>,
  });
  const selector = 'turing.dev/trigger=schedule';
  const jobs = new InformerCache<V1Job>({
    kubeConfig: clients.kubeConfig,
    resource: { group: 'batch', version: 'v1', plural: 'jobs' },
    namespace,
    labelSelector: selector,
    list: () => clients.batch.listNamespacedJob({ namespace, labelSelector: selector }),
  });
  notebookJobs.start();
  jobs.start();
  return { notebookJobs, jobs };
}

/** How many cached NotebookJobs the leader's controller has reconciled at their current generation. */
function reconciledCount(notebookJobs: InformerCache<KubernetesObject>): number {
  return notebookJobs
    .list()
    .filter(
      (o) =>
        (o as { status?: { observedGeneration?: number } }).status?.observedGeneration ===
        o.metadata?.generation,
    ).length;
}

function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    loadavg: loadavg(),
  };
}

/** Writes `bench/results/scale.json` and returns its path. */
function writeResults(results: object): string {
  const out = resolve(repoRoot, 'bench/results/scale.json');
  mkdirSync(resolve(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  return out;
}

async function main(): Promise<number> {
  log(
    `sizes ${JSON.stringify(sizes)}; hub-proxy heap limit ${heapLimitMiB()} MiB; kube-controller-manager ${kcmArgs.join(' ') || '(defaults)'}`,
  );
  const controlPlane = new ControlPlane({ controllerManagerArgs: kcmArgs });
  await controlPlane.start();
  // SCALE_KEEP_FILES=1 keeps the control plane's directory, with every component's log.
  const keepFiles = process.env.SCALE_KEEP_FILES === '1';
  const cleanups: Array<() => Promise<unknown>> = [
    async () => {
      await controlPlane.stop({ keepFiles });
      if (keepFiles) log(`kept the control plane's files and logs in ${controlPlane.dir}`);
    },
  ];
  const replicas: Replica[] = [];
  try {
    const kubeconfigPath = controlPlane.kubeconfigPath;
    const namespace = 'scale';
    await installCrds(kubeconfigPath);
    await createNamespace(kubeconfigPath, namespace);
    const clients = createKubeClients({ namespace, kubeconfigPath });
    await addRunNodes(clients, Math.ceil((sizes.fire * 3) / 500));
    const baselineConfigMap = { name: 'scale-baseline', namespace };
    await clients.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'scale-baseline' }, data: { a: '1' } },
    });

    const serviceToken = randomBytes(24).toString('hex');
    const hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${await freePort()}` });
    await hub.start();
    cleanups.unshift(() => hub.stop());
    const adminToken = await hub.tokenFor('admin');
    const tokens: string[] = [];
    const step = Math.max(1, Math.floor(sizes.users / sizes.sampleUsers));
    for (let u = 0; u < sizes.users && tokens.length < sizes.sampleUsers; u += step) {
      await hub.createUser(userName(u));
      tokens.push(await hub.tokenFor(userName(u)));
    }

    const settings = {
      hubApiUrl: hub.apiUrl,
      serviceToken,
      adminKubeconfig: kubeconfigPath,
      namespace,
      logDir: controlPlane.dir,
      leaseSeconds: sizes.leaseSeconds,
    };
    // Baseline for RSS: the same process on an empty namespace (same nodes, same code loaded).
    await createNamespace(kubeconfigPath, 'scale-empty');
    const empty = await startReplica('hub-proxy-empty', { ...settings, namespace: 'scale-empty' });
    await waitUntil('the empty replica ready', async () => (await fetch(`${empty.url}/readyz`)).ok, {
      timeoutMs: 120_000,
    });
    await new Promise((r) => setTimeout(r, 5_000));
    const rssEmpty = rssMb(empty);
    await empty.process.stop();
    log(`baseline: hub-proxy on an empty namespace, RSS ${rssEmpty.toFixed(0)} MiB`);

    // 1. Seed: jobs spread evenly over the users, then the finished runs.
    const wanted = Array.from({ length: sizes.jobs }, (_, i) =>
      benchNotebookJob(userName(i % sizes.users), `job-${Math.floor(i / sizes.users)}`, {
        cron: QUIET_SCHEDULE,
      }),
    );
    const seededJobs = await createNotebookJobs(clients, namespace, wanted, sizes.concurrency);
    log(`created ${sizes.jobs} NotebookJobs: ${seededJobs.rate.perSecond.toFixed(0)}/s`);
    const seededRuns = await createFinishedRuns(
      clients,
      namespace,
      seededJobs.created,
      sizes.runs,
      sizes.concurrency,
    );
    log(`created ${sizes.runs} finished runs: ${seededRuns.perSecond.toFixed(0)}/s (2 calls each)`);

    // 2. Two replicas start on the full state: cache sync, then the leader reconciles every job.
    const observer = observe(clients, namespace);
    cleanups.unshift(async () => Promise.all([observer.notebookJobs.stop(), observer.jobs.stop()]));
    const t0 = performance.now();
    replicas.push(
      ...(await Promise.all([startReplica('hub-proxy-a', settings), startReplica('hub-proxy-b', settings)])),
    );
    cleanups.unshift(async () => Promise.all(replicas.map((r) => r.process.stop())));
    const peaks = sampleRssPeaks(replicas);
    await waitUntil(
      'both replicas ready (caches synced)',
      async () =>
        (await Promise.all(replicas.map(async (r) => (await fetch(`${r.url}/readyz`)).ok))).every(Boolean),
      { timeoutMs: 900_000, intervalMs: 250 },
    );
    const syncSeconds = (performance.now() - t0) / 1000;
    const rssAtSync = replicas.map(rssMb);
    log(
      `replicas ready after ${syncSeconds.toFixed(1)} s; RSS ${rssAtSync.map((r) => r.toFixed(0)).join('/')} MiB`,
    );
    await waitUntil(
      'every job reconciled',
      async () => reconciledCount(observer.notebookJobs) >= sizes.jobs,
      { timeoutMs: 1_800_000, intervalMs: 500 },
    );
    const reconcileSeconds = (performance.now() - t0) / 1000;
    log(`${sizes.jobs} jobs reconciled (Secret and status) after ${reconcileSeconds.toFixed(1)} s`);
    const rssAfterReconcile = replicas.map(rssMb);
    // Memory a process holds once its work is done, as a memory limit sees it at rest.
    await new Promise((r) => setTimeout(r, sizes.settleSeconds * 1000));
    const rssAfterSync = replicas.map(rssMb);
    const heapAfterSync = await Promise.all(replicas.map(heapFigures));
    log(
      `RSS after the initial reconcile ${rssAfterReconcile.map((r) => r.toFixed(0)).join('/')} MiB; ${sizes.settleSeconds} s later ${rssAfterSync.map((r) => r.toFixed(0)).join('/')} MiB; heap ${JSON.stringify(heapAfterSync)}`,
    );
    const leader = await leaderOf(replicas, adminToken);
    const status = await kubeStatus(leader, adminToken);

    // 3. Lists, and the apiserver calls they cost.
    const user = await measureUserLists(leader, tokens, sizes.listSamples, clients, baselineConfigMap);
    log(formatSummary('GET /api/v1/jobs (one user)', user.list));
    const admin = await measureAdminLists(leader, adminToken, sizes.adminPageSize, 50, 5);
    log(formatSummary(`admin page of ${admin.pageSize}`, admin.page));
    log(formatSummary(`admin walk (${admin.pagesPerWalk} pages)`, admin.walkAll));
    const follower = replicas.find((r) => r !== leader) ?? leader;
    const calls = await apiserverRequestsPerList(kubeconfigPath, follower, tokens, 100);
    const rssAfterLists = replicas.map(rssMb);
    const rssPeaks = peaks.stop();
    log(
      `RSS after sync ${rssAfterSync.map((r) => r.toFixed(0)).join('/')} MiB, after lists ${rssAfterLists.map((r) => r.toFixed(0)).join('/')} MiB`,
    );

    const rssDetails = {
      atSync: rssAtSync.map((r) => round(r)),
      afterReconcile: rssAfterReconcile.map((r) => round(r)),
      afterSync: rssAfterSync.map((r) => round(r)),
      afterLists: rssAfterLists.map((r) => round(r)),
      peak: rssPeaks.map((r) => round(r)),
    };
    // Saved now, so a run stopped later (the fire test is the longest) keeps these figures.
    const soFar = {
      benchmark: 'scale',
      complete: false,
      at: new Date().toISOString(),
      sizes,
      hubProxyHeapLimitMiB: heapLimitMiB(),
      machine: machine(),
      list_jobs_user_p50_ms: round(user.list.p50),
      list_jobs_user_p95_ms: round(user.list.p95),
      list_jobs_admin_p50_ms: round(admin.page.p50),
      list_jobs_admin_p95_ms: round(admin.page.p95),
      baseline_me_p95_ms: round(user.baselineMe.p95),
      baseline_apiserver_get_p95_ms: round(user.baselineApiserverGet.p95),
      hub_proxy_rss_mb: round(Math.max(...rssAfterSync)),
      hub_proxy_rss_peak_mb: round(Math.max(...rssPeaks)),
      hub_proxy_rss_empty_baseline_mb: round(rssEmpty),
      apiserver_requests_per_list: calls.perList,
      apiserver_secret_reads_per_list_window: calls.secretsPerList,
      details: {
        startup: { cachesSyncedSeconds: round(syncSeconds), allReconciledSeconds: round(reconcileSeconds) },
        rssMb: rssDetails,
        heapAfterSync,
      },
    };
    writeResults(soFar);

    // 4. Handover at this scale.
    const handover = await measureHandover({
      replicas,
      adminToken,
      clients,
      namespace,
      notebookJobs: observer.notebookJobs,
      leaseSeconds: sizes.leaseSeconds,
    });
    log(`handover: leading ${handover.leadingSeconds} s, reconciled ${handover.reconciledSeconds} s`);

    writeResults({ ...soFar, handover_ready_s: round(handover.reconciledSeconds, 2) });

    // 5. 1,000 schedules at one minute boundary.
    const fire = await fireSameMinute({
      clients,
      namespace,
      users: sizes.users,
      count: sizes.fire,
      concurrency: sizes.concurrency,
      jobs: observer.jobs,
      fireWaitMs: sizes.fireWaitSeconds * 1000,
      log,
    });
    log(
      `fire: last Job ${fire.lastJobSeconds.toFixed(1)} s after the boundary (median ${fire.medianJobSeconds.toFixed(1)} s); lost ${fire.lost}, duplicated ${fire.duplicated}, pods started ${fire.started}`,
    );

    const results = {
      benchmark: 'scale',
      command: 'npm run bench:scale',
      at: new Date().toISOString(),
      sizes,
      kubeControllerManagerArgs: kcmArgs,
      hubProxyHeapLimitMiB: heapLimitMiB(),
      complete: true,
      machine: machine(),
      list_jobs_user_p50_ms: round(user.list.p50),
      list_jobs_user_p95_ms: round(user.list.p95),
      list_jobs_admin_p50_ms: round(admin.page.p50),
      list_jobs_admin_p95_ms: round(admin.page.p95),
      list_jobs_admin_all_pages_p50_ms: round(admin.walkAll.p50),
      list_jobs_admin_all_pages_p95_ms: round(admin.walkAll.p95),
      baseline_me_p50_ms: round(user.baselineMe.p50),
      baseline_me_p95_ms: round(user.baselineMe.p95),
      baseline_apiserver_get_p50_ms: round(user.baselineApiserverGet.p50),
      baseline_apiserver_get_p95_ms: round(user.baselineApiserverGet.p95),
      hub_proxy_rss_mb: round(Math.max(...rssAfterSync)),
      hub_proxy_rss_peak_mb: round(Math.max(...rssPeaks)),
      hub_proxy_rss_empty_baseline_mb: round(rssEmpty),
      hub_proxy_rss_after_lists_mb: round(Math.max(...rssAfterLists)),
      apiserver_requests_per_list: calls.perList,
      apiserver_secret_reads_per_list_window: calls.secretsPerList,
      runs_lost: fire.lost,
      runs_duplicated: fire.duplicated,
      fire_1000_last_job_s: round(fire.lastJobSeconds, 2),
      fire_1000_median_job_s: round(fire.medianJobSeconds, 2),
      fire_1000_started_within_55_s: fire.started,
      handover_ready_s: round(handover.reconciledSeconds, 2),
      details: {
        seeding: { notebookJobs: seededJobs.rate, runs: seededRuns },
        startup: { cachesSyncedSeconds: round(syncSeconds), allReconciledSeconds: round(reconcileSeconds) },
        rssMb: rssDetails,
        heapAfterSync,
        caches: status?.caches,
        userList: user,
        adminList: admin,
        apiserverReads: calls,
        handover: { ...handover, survivor: handover.survivor.name },
        fire,
      },
    };
    const out = writeResults(results);
    log(`wrote ${out}`);
    if (process.env.SCALE_HEAP_SNAPSHOT !== '0') {
      // Last, as it is heavy: what fills the surviving leader's heap.
      const heap = await heapSummary(handover.survivor, controlPlane.dir).catch((err: unknown) =>
        String(err),
      );
      writeFileSync(out, `${JSON.stringify({ ...results, heap_top: heap }, null, 2)}\n`);
      log(`heap: ${JSON.stringify(heap).slice(0, 1500)}`);
    }
    return fire.lost === 0 && fire.duplicated === 0 ? 0 : 1;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

process.exitCode = await main();
