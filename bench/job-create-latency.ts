import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** POST /api/v1/jobs (through the hub) -> the CronJob seen by a watch. */
  createToCronJob: Summary;
  /** Baseline: create a ConfigMap directly -> seen by the same kind of watch. */
  baselineConfigMap: Summary;
  lines: string[];
}

/**
 * Time from the create call to the CronJob being visible, over `count`
 * sequential creates, against a real control plane with hub-proxy's
 * kubernetes runtime behind a real JupyterHub. The baseline, taken in the
 * same run, is the API server's own create-to-watch latency for a ConfigMap.
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
    await hub.createUser('bench');
    const token = await hub.tokenFor('bench');
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
    const cronJobs = watch(() => clients.batch.listNamespacedCronJob({ namespace }), 'cronjobs', 'batch');
    const configMaps = watch(() => clients.core.listNamespacedConfigMap({ namespace }), 'configmaps');
    await waitUntil('watches synced', async () => cronJobs.synced && configMaps.synced, {
      timeoutMs: 30_000,
    });

    const notebook = pythonNotebook({ parameters: 'n = 1', cells: ['print(n)'] });
    const createToCronJob: number[] = [];
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
      const prefix = `${name}-`;
      await waitUntil(`cronjob of ${name}`, async () => [...seen.keys()].some((k) => k.startsWith(prefix)), {
        timeoutMs: 60_000,
        intervalMs: 1,
      });
      const key = [...seen.keys()].find((k) => k.startsWith(prefix)) ?? '';
      createToCronJob.push((seen.get(key) ?? NaN) - t1);
    }
    const created = summarize(createToCronJob);
    const base = summarize(baseline);
    return {
      createToCronJob: created,
      baselineConfigMap: base,
      lines: [
        formatSummary('POST /api/v1/jobs -> CronJob visible', created),
        formatSummary('baseline: create ConfigMap -> visible', base),
        `ratio p50 ${(created.p50 / base.p50).toFixed(1)}x, p95 ${(created.p95 / base.p95).toFixed(1)}x`,
      ],
    };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
