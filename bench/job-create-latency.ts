import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createKubeClients, InformerCache } from '../hub-proxy/src/k8s/index.js';
import { waitUntil } from '../tests/support/child-process.js';
import { ControlPlane } from '../tests/support/control-plane.js';
import { installCrds } from '../tests/support/crds.js';
import { startInProcessHubProxy } from '../tests/support/in-process-hub-proxy.js';
import { createNamespace } from '../tests/support/namespaces.js';
import { pythonNotebook } from '../tests/support/notebooks.js';
import { freePort } from '../tests/support/ports.js';
import { turingHub } from '../tests/support/turing-hub.js';
import { formatSummary, summarize, type Summary } from './stats.js';

/** Results of {@link benchJobCreateLatency}. */
export interface JobCreateLatency {
  /**
   * POST /api/v1/jobs (through the hub) -> the job's runner Secret seen by a
   * watch: what the leader writes for a new job before its runs can start.
   * The ScheduleFirer books the schedule on the same cache event, so this is
   * create -> scheduled. (Until schedules fired from hub-proxy, the CronJob.)
   */
  createToScheduled: Summary;
  /** Baseline: create a ConfigMap directly -> seen by the same kind of watch. */
  baselineConfigMap: Summary;
  /** Where the figures were written (`bench/results/job-create-latency.json`). */
  resultsPath: string;
  lines: string[];
}

/** Scheduled jobs per bench user: under the default `scheduledJobs` quota (50), so no create is refused. */
const JOBS_PER_USER = 25;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Time from the create call to the job's runner Secret being visible, over `count`
 * sequential creates (spread over users of {@link JOBS_PER_USER} jobs each),
 * against a real control plane with hub-proxy's kubernetes runtime behind a
 * real JupyterHub. The baseline, taken in the same run and interleaved, is
 * the API server's own create-to-watch latency for a ConfigMap. Writes
 * `bench/results/job-create-latency.json`.
 */
export async function benchJobCreateLatency(count = 100): Promise<JobCreateLatency> {
  const controlPlane = new ControlPlane();
  const dir = mkdtempSync(join(tmpdir(), 'turing-bench-create-'));
  await controlPlane.start();
  const cleanups: Array<() => Promise<unknown>> = [async () => controlPlane.stop()];
  try {
    const kubeconfigPath = controlPlane.kubeconfigPath;
    await installCrds(kubeconfigPath);
    const namespace = 'bench-jobs';
    await createNamespace(kubeconfigPath, namespace);

    const serviceToken = randomBytes(24).toString('hex');
    const port = await freePort();
    const hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    cleanups.unshift(() => hub.stop());
    const proxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: {
        TURING_RUNTIME: 'kubernetes',
        TURING_KUBECONFIG: kubeconfigPath,
        TURING_NAMESPACE: namespace,
        TURING_LEASE_DURATION_SECONDS: '4',
        TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
      },
    });
    cleanups.unshift(() => proxy.stop());
    const tokens: string[] = [];
    for (let u = 0; u * JOBS_PER_USER < count; u += 1) {
      await hub.createUser(`bench-${u}`);
      tokens.push(await hub.tokenFor(`bench-${u}`));
    }
    await waitUntil(
      'hub-proxy ready and leading',
      async () => {
        const ready = await fetch(`${proxy.proxy.url}${proxy.config.servicePrefix}readyz`);
        return ready.ok && proxy.assembled.cluster?.elector.isLeader === true;
      },
      { timeoutMs: 60_000 },
    );

    const clients = createKubeClients({ namespace, kubeconfigPath });
    const seen = new Map<string, number>();
    const watch = <T extends { metadata?: { name?: string } }>(
      list: () => Promise<{ items: T[] }>,
      plural: string,
      group?: string,
    ) => {
      const cache = new InformerCache<T & { metadata?: { name?: string } }>({
        kubeConfig: clients.kubeConfig,
        resource: group ? { group, version: 'v1', plural } : { version: 'v1', plural },
        namespace,
        list: list as never,
      });
      cache.on('add', (o) => {
        const name = o.metadata?.name;
        if (name && !seen.has(name)) seen.set(name, performance.now());
      });
      cache.start();
      cleanups.unshift(() => cache.stop());
      return cache;
    };
    const secrets = watch(() => clients.core.listNamespacedSecret({ namespace }), 'secrets');
    const configMaps = watch(() => clients.core.listNamespacedConfigMap({ namespace }), 'configmaps');
    await waitUntil('watches synced', async () => secrets.synced && configMaps.synced, {
      timeoutMs: 30_000,
    });

    const notebook = pythonNotebook({ parameters: 'n = 1', cells: ['print(n)'] });
    const createToScheduled: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < count; i += 1) {
      // Interleaved, so both samples see the same machine noise.
      const cm = `baseline-${i}`;
      const t0 = performance.now();
      await clients.core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: cm }, data: { i: String(i) } },
      });
      await waitUntil(`configmap ${cm}`, async () => seen.has(cm), { timeoutMs: 30_000, intervalMs: 1 });
      baseline.push((seen.get(cm) ?? NaN) - t0);

      const name = `bench-${i}`;
      const token = tokens[Math.floor(i / JOBS_PER_USER)] ?? '';
      const t1 = performance.now();
      const res = await fetch(`${proxy.base}/api/v1/jobs`, {
        method: 'POST',
        headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name,
          notebook: { path: `${name}.ipynb`, content: notebook },
          environment: 'cpu-base',
          schedule: { cron: '0 3 * * *', timezone: 'UTC' },
        }),
      });
      if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
      const isRunnerSecret = (k: string) => k.startsWith(`${name}-`) && k.endsWith('-runner');
      await waitUntil(`runner Secret of ${name}`, async () => [...seen.keys()].some(isRunnerSecret), {
        timeoutMs: 60_000,
        intervalMs: 1,
      });
      const key = [...seen.keys()].find(isRunnerSecret) ?? '';
      createToScheduled.push((seen.get(key) ?? NaN) - t1);
    }
    const created = summarize(createToScheduled);
    const base = summarize(baseline);
    const resultsPath = writeResults(created, base, count);
    return {
      createToScheduled: created,
      baselineConfigMap: base,
      resultsPath,
      lines: [
        formatSummary('POST /api/v1/jobs -> scheduled (runner Secret visible)', created),
        formatSummary('baseline: create ConfigMap -> visible', base),
        `ratio p50 ${(created.p50 / base.p50).toFixed(1)}x, p95 ${(created.p95 / base.p95).toFixed(1)}x`,
        `wrote ${resultsPath}`,
      ],
    };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Writes the figures, the same-run baseline and the machine to `bench/results/job-create-latency.json`. */
function writeResults(created: Summary, base: Summary, count: number): string {
  const results = {
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
      loadavg: loadavg().map(round1),
      node: process.version,
    },
    settings: {
      creates: count,
      jobsPerUser: JOBS_PER_USER,
      measure:
        'POST /api/v1/jobs through JupyterHub (kubernetes runtime, real kube-apiserver) until a watch sees the ' +
        "job's runner Secret, written by the leader on the cache event on which its ScheduleFirer books the schedule; " +
        'baseline: ConfigMap create until a watch sees it; interleaved, sequential',
    },
    create_to_scheduled_p50_ms: round1(created.p50),
    create_to_scheduled_p95_ms: round1(created.p95),
    create_to_scheduled_mean_ms: round1(created.mean),
    create_to_scheduled_max_ms: round1(created.max),
    // The key names, from when the job's CronJob marked it scheduled.
    create_to_cronjob_p50_ms: round1(created.p50),
    create_to_cronjob_p95_ms: round1(created.p95),
    create_to_cronjob_note:
      'No CronJob is made since schedules fire from hub-proxy (docs/jobs.md, "Schedules"): these repeat ' +
      'create_to_scheduled_*, the same point in the create (the job is scheduled).',
    baseline_configmap_p50_ms: round1(base.p50),
    baseline_configmap_p95_ms: round1(base.p95),
    baseline_configmap_mean_ms: round1(base.mean),
    ratio_p50: round1(created.p50 / base.p50),
    ratio_p95: round1(created.p95 / base.p95),
    goals: {
      create_to_scheduled_p95_ms: {
        value: round1(created.p95),
        goal: '<= 100',
        met: created.p95 <= 100,
      },
    },
  };
  const out = resolve(repoRoot, 'bench/results/job-create-latency.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  return out;
}
