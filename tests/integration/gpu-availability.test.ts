import { BatchV1Api, CoreV1Api, KubeConfig, type V1PodSpec } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { configSchema } from '../../hub-proxy/src/config/schema.js';
import { createLogger } from '../../hub-proxy/src/observability/logger.js';
import { startCluster, type Cluster } from '../../hub-proxy/src/k8s/cluster.js';
import { watchGpuCapacity, type GpuCaches } from '../../hub-proxy/src/environments/index.js';
import type { GpuTypeAvailability } from '../../hub-proxy/src/environments/gpu-availability.js';
import { createNamespace } from '../support/namespaces.js';
import { hubProxyKubeconfig } from '../support/chart-service-account.js';
import { eventually } from '../support/eventually.js';

const A100 = 'NVIDIA-A100-SXM4-80GB';
const T4 = 'Tesla-T4';
const kubeconfigPath = inject('kubeconfigPath');
const kc = new KubeConfig();
kc.loadFromFile(kubeconfigPath);
const core = kc.makeApiClient(CoreV1Api);
const batch = kc.makeApiClient(BatchV1Api);
const suffix = randomBytes(3).toString('hex');
// The runtime's own namespace (its Lease lives there) and a second one for the
// GPU workloads: GPUs are shared, so pods in any namespace must count.
const runtimeNamespace = `gpu-rt-${suffix}`;
const workloadNamespace = `gpu-ws-${suffix}`;

/** A restricted-PSS-compliant pod spec asking for `count` GPUs of one type. */
function gpuPodSpec(product: string, count: number, restartPolicy: 'Always' | 'Never'): V1PodSpec {
  const gpus = { 'nvidia.com/gpu': String(count) };
  return {
    restartPolicy,
    nodeSelector: { 'nvidia.com/gpu.product': product },
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'main',
        image: 'busybox:1.36',
        command: ['sleep', '3600'],
        resources: { requests: gpus, limits: gpus },
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
    ],
  };
}

describe('live GPU availability from the informer caches (kube-scheduler binds, kwok runs)', () => {
  let cluster: Cluster;
  let gpus: GpuCaches;

  function gpuType(type: string): GpuTypeAvailability | undefined {
    return gpus.availability().types.find((t) => t.type === type);
  }

  function free(type: string): number | undefined {
    return gpuType(type)?.free;
  }

  /** Creates the pod; returns when the create request was sent. */
  async function createGpuPod(name: string, product: string, count: number): Promise<number> {
    const sent = Date.now();
    await core.createNamespacedPod({
      namespace: workloadNamespace,
      body: { metadata: { name }, spec: gpuPodSpec(product, count, 'Always') },
    });
    return sent;
  }

  beforeAll(async () => {
    await createNamespace(kubeconfigPath, runtimeNamespace);
    await createNamespace(kubeconfigPath, workloadNamespace);
    const config = configSchema.parse({
      hubApiUrl: 'http://127.0.0.1:9/hub/api',
      apiToken: 'integration-test-token',
      namespace: runtimeNamespace,
      // As the chart's ServiceAccount: its ClusterRole is what reads nodes and every namespace's pods.
      kubeconfigPath: await hubProxyKubeconfig(kubeconfigPath, runtimeNamespace),
      logLevel: 'silent',
    });
    cluster = startCluster(config, createLogger({ level: 'silent' }));
    gpus = watchGpuCapacity(cluster);
    const caches = [cluster.ownedPods, gpus.nodes, gpus.clusterPods];
    const started = Date.now();
    await Promise.all(caches.map((c) => c.waitForSync(30_000)));
    console.log(
      `[gpu-availability] nodes, cluster-pods and pods caches synced in ${Date.now() - started} ms`,
    );
  });

  afterAll(async () => {
    // Leave no GPU pods behind: the next test file sees absolute numbers.
    await batch
      .deleteCollectionNamespacedJob({ namespace: workloadNamespace, propagationPolicy: 'Background' })
      .catch(() => undefined);
    await core.deleteCollectionNamespacedPod({ namespace: workloadNamespace }).catch(() => undefined);
    await eventually('the workload pods to be gone', 60_000, () =>
      gpus.clusterPods.list({ namespace: workloadNamespace }).length === 0 ? true : undefined,
    ).catch(() => undefined);
    await cluster?.releaseLeadership().catch(() => undefined);
    await cluster?.stop();
    await core.deleteNamespace({ name: workloadNamespace });
    await core.deleteNamespace({ name: runtimeNamespace });
  });

  it('starts from the fake nodes: A100 4 free, T4 2 free, CPU node not listed', async () => {
    const readiness = await cluster.readinessChecks[0]?.();
    expect(readiness).toMatchObject({ ok: true });
    await eventually('the A100 and T4 figures', 10_000, () => free(A100) === 4 && free(T4) === 2);
    const availability = gpus.availability();
    expect(availability.resource).toBe('nvidia.com/gpu');
    expect(availability.types).toEqual([
      { type: A100, nodes: 1, allocatable: 4, requested: 0, free: 4, largestFreeOnOneNode: 4 },
      { type: T4, nodes: 1, allocatable: 2, requested: 0, free: 2, largestFreeOnOneNode: 2 },
    ]);
    expect(availability.total).toEqual({
      nodes: 2,
      allocatable: 6,
      requested: 0,
      free: 6,
      largestFreeOnOneNode: 4,
    });
    const status = (await cluster.statusProviders.kubernetes?.()) as {
      caches: Record<string, { synced: boolean }>;
    };
    expect(Object.keys(status.caches).sort()).toEqual(['cluster-pods', 'nodes', 'pods']);
    expect({ synced: gpus.synced, ...gpus.availability() }).toMatchObject({
      synced: true,
      total: { free: 6 },
    });
  });

  it('counts scheduled pods in another namespace, and frees their GPUs when they are deleted', async () => {
    const bound = new Map<string, number>();
    const off = gpus.clusterPods.on('update', (pod, previous) => {
      if (pod.spec?.nodeName && !previous?.spec?.nodeName) bound.set(pod.metadata?.name ?? '', Date.now());
    });
    try {
      const a100Created = await createGpuPod('a100-one', A100, 1);
      await eventually('A100 free 3', 30_000, () => free(A100) === 3);
      const a100Reflected = Date.now();
      expect(gpus.clusterPods.get('a100-one', workloadNamespace)?.spec?.nodeName).toBe('kwok-gpu-a100-0');
      expect(gpuType(A100)).toMatchObject({ requested: 1, free: 3, largestFreeOnOneNode: 3 });

      const t4Created = await createGpuPod('t4-two', T4, 2);
      await eventually('T4 free 0', 30_000, () => free(T4) === 0);
      const t4Reflected = Date.now();
      expect(gpuType(T4)).toMatchObject({ requested: 2, free: 0, largestFreeOnOneNode: 0 });
      expect(gpus.availability().total).toMatchObject({
        requested: 3,
        free: 3,
        largestFreeOnOneNode: 3,
      });

      const deleted = Date.now();
      await core.deleteNamespacedPod({ name: 'a100-one', namespace: workloadNamespace });
      await eventually('A100 free 4 again', 30_000, () => free(A100) === 4);
      const freed = Date.now();
      expect(gpus.clusterPods.get('a100-one', workloadNamespace)).toBeUndefined();
      expect(free(T4)).toBe(0);

      console.log(
        `[gpu-availability] A100 pod: bound in cache ${(bound.get('a100-one') ?? NaN) - a100Created} ms, ` +
          `free reflected ${a100Reflected - a100Created} ms after the create request; ` +
          `T4 pod: free reflected ${t4Reflected - t4Created} ms; ` +
          `A100 freed ${freed - deleted} ms after delete`,
      );
    } finally {
      off();
    }
  });

  it('stops counting a Job pod once kwok marks it Succeeded', async () => {
    const seenFree: number[] = [];
    const off = gpus.clusterPods.on('update', () => seenFree.push(free(A100) ?? -1));
    try {
      const created = Date.now();
      await batch.createNamespacedJob({
        namespace: workloadNamespace,
        body: {
          metadata: { name: 'a100-job' },
          spec: { backoffLimit: 0, template: { spec: gpuPodSpec(A100, 2, 'Never') } },
        },
      });
      const succeeded = await eventually('the Job pod to succeed in the cache', 60_000, () =>
        gpus.clusterPods
          .list({ namespace: workloadNamespace, labelSelector: { 'job-name': 'a100-job' } })
          .find((p) => p.status?.phase === 'Succeeded'),
      );
      const doneAfter = Date.now() - created;
      expect(succeeded.spec?.nodeName).toBe('kwok-gpu-a100-0');
      // While bound and running it held 2 of the 4 A100s ...
      expect(seenFree).toContain(2);
      // ... and once Succeeded the pod is still cached but no longer counts.
      expect(free(A100)).toBe(4);
      expect(gpuType(A100)).toMatchObject({ requested: 0, largestFreeOnOneNode: 4 });
      expect(free(T4)).toBe(0);
      console.log(
        `[gpu-availability] Job pod Succeeded in the cache ${doneAfter} ms after the Job was created`,
      );
    } finally {
      off();
    }
  });
});
