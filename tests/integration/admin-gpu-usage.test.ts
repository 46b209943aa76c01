import {
  CoreV1Api,
  KubeConfig,
  type V1ObjectMeta,
  type V1Pod,
  type V1PodSpec,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GpuUsage } from '../../hub-proxy/src/admin/index.js';
import { runJobSpec } from '../../hub-proxy/src/jobs/kubernetes/batch-manifests.js';
import {
  modelAnnotations,
  modelLabels,
} from '../../hub-proxy/src/models/kubernetes/model-server-resource.js';
import { ApiStack } from '../support/api-stack.js';
import { eventually } from '../support/eventually.js';
import { FAKE_NODES } from '../support/fake-nodes.js';
import { createNamespace } from '../support/namespaces.js';
import { notebookJobFixture } from '../support/notebook-job-fixtures.js';

/**
 * The admin GPU usage API against the real kube-apiserver with kwok GPU
 * nodes: pods of every workload kind, for two users, on both GPU types. The
 * expected figures are computed here, from the pods as created and from the
 * apiserver's own lists, never from hub-proxy's code.
 */

const A100 = 'NVIDIA-A100-SXM4-80GB';
const T4 = 'Tesla-T4';
const GPU = 'nvidia.com/gpu';
type Kind = 'server' | 'jobRun' | 'modelReplica' | 'other';

const kubeconfigPath = inject('kubeconfigPath');
const kc = new KubeConfig();
kc.loadFromFile(kubeconfigPath);
const core = kc.makeApiClient(CoreV1Api);
const namespace = `gpu-admin-${randomBytes(3).toString('hex')}`;

/** A NotebookJob as the jobs feature stores it: its run pods carry the real jobs labels. */
const aliceJob = notebookJobFixture('alice', 'train', {
  environment: 'gpu',
  image: 'registry/gpu:1',
  resources: { cpu: '1', memory: '1Gi', gpus: 2, gpuType: 'a100' },
});

/** One pod the test makes, and what it expects the page to say about it. */
interface TestPod {
  name: string;
  product: string;
  gpus: number;
  kind: Kind;
  user?: string;
  metadata: V1ObjectMeta;
}

const runMetadata = runJobSpec(aliceJob, 'manual', {
  runnerApiUrl: 'http://hub-proxy/services/turing/',
  gpuPlacementFor: () => ({ nodeSelector: { 'nvidia.com/gpu.product': A100 }, tolerations: [] }),
}).template.metadata;

const PODS: TestPod[] = [
  {
    name: 'jupyter-alice',
    product: A100,
    gpus: 1,
    kind: 'server',
    user: 'alice',
    // What KubeSpawner 7 puts on a server pod.
    metadata: {
      labels: { component: 'singleuser-server', app: 'jupyterhub', 'hub.jupyter.org/username': 'alice' },
      annotations: { 'hub.jupyter.org/username': 'alice' },
    },
  },
  {
    name: 'alice-train-run-1',
    product: A100,
    gpus: 2,
    kind: 'jobRun',
    user: 'alice',
    metadata: runMetadata ?? {},
  },
  {
    name: 'model-ctr-abc12',
    product: T4,
    gpus: 1,
    kind: 'modelReplica',
    user: 'bob',
    metadata: {
      labels: modelLabels({ name: 'ctr', owner: 'bob' }),
      annotations: modelAnnotations({ owner: 'bob' }),
    },
  },
  { name: 'someone-elses', product: T4, gpus: 1, kind: 'other', metadata: { labels: { app: 'benchmark' } } },
];

/** A restricted-PSS-compliant pod asking for `gpus` of `product`. */
function podOf(pod: TestPod): V1Pod {
  const resources = { requests: { [GPU]: String(pod.gpus) }, limits: { [GPU]: String(pod.gpus) } };
  const spec: V1PodSpec = {
    restartPolicy: 'Never',
    nodeSelector: { 'nvidia.com/gpu.product': pod.product },
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'main',
        image: 'busybox:1.36',
        command: ['sleep', '3600'],
        resources,
        securityContext: {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
    ],
  };
  return { metadata: { ...pod.metadata, name: pod.name, namespace }, spec };
}

/** The figures as `kubectl get nodes,pods -A` gives them: allocatable GPUs, and requests of bound, live pods. */
async function clusterFigures(): Promise<{
  capacity: number;
  allocated: number;
  byProduct: Record<string, number>;
}> {
  const nodes = (await core.listNode()).items;
  const productOf = new Map<string, string>();
  let capacity = 0;
  for (const node of nodes) {
    const gpus = Number(node.status?.allocatable?.[GPU] ?? 0);
    if (gpus <= 0) continue;
    capacity += gpus;
    productOf.set(node.metadata?.name ?? '', node.metadata?.labels?.['nvidia.com/gpu.product'] ?? 'unknown');
  }
  let allocated = 0;
  const byProduct: Record<string, number> = {};
  for (const pod of (await core.listPodForAllNamespaces()).items) {
    const product = productOf.get(pod.spec?.nodeName ?? '');
    if (!product || ['Succeeded', 'Failed'].includes(pod.status?.phase ?? '')) continue;
    const gpus = (pod.spec?.containers ?? []).reduce(
      (sum, c) => sum + Number(c.resources?.requests?.[GPU] ?? c.resources?.limits?.[GPU] ?? 0),
      0,
    );
    allocated += gpus;
    byProduct[product] = (byProduct[product] ?? 0) + gpus;
  }
  return { capacity, allocated, byProduct };
}

/** Sums of `pods` by kind and by user (with each user's kinds), as the page should show them. */
function expectedSums(pods: TestPod[]) {
  const byKind: Record<Kind, number> = { server: 0, jobRun: 0, modelReplica: 0, other: 0 };
  const byUser = new Map<string, Record<Kind, number> & { user: string; total: number }>();
  for (const pod of pods) {
    byKind[pod.kind] += pod.gpus;
    if (!pod.user) continue;
    const row = byUser.get(pod.user) ?? {
      user: pod.user,
      server: 0,
      jobRun: 0,
      modelReplica: 0,
      other: 0,
      total: 0,
    };
    row[pod.kind] += pod.gpus;
    row.total += pod.gpus;
    byUser.set(pod.user, row);
  }
  return {
    byKind,
    byUser: [...byUser.values()].sort((a, b) => b.total - a.total || a.user.localeCompare(b.user)),
  };
}

describe('admin GPU usage from the informer caches (kwok GPU nodes)', () => {
  const stack = new ApiStack(kubeconfigPath);
  const usage = () => stack.json<GpuUsage>('admin', '/api/v1/admin/gpu-usage');
  const mine = (u: GpuUsage) => u.allocations.filter((a) => a.namespace === namespace);

  beforeAll(async () => {
    await stack.start();
    await createNamespace(kubeconfigPath, namespace);
  }, 120_000);

  afterAll(async () => {
    // Leave no GPU pods behind: other files count absolute numbers.
    await core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
    await eventually('the GPU pods to be gone', 60_000, async () =>
      (await core.listNamespacedPod({ namespace })).items.length === 0 ? true : undefined,
    ).catch(() => undefined);
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await stack.stop();
  });

  it('starts with the fake nodes idle: capacity only, nothing allocated', async () => {
    const fakeGpus = FAKE_NODES.reduce((sum, node) => sum + node.gpus, 0);
    const first = await eventually('the caches to sync', 30_000, async () => {
      const u = await usage();
      return u.synced ? u : undefined;
    });
    expect(first.available).toBe(true);
    expect(first.totals).toEqual({ capacity: fakeGpus, allocated: 0, free: fakeGpus });
    expect(first.nodes.map((n) => n.name)).toEqual(['kwok-gpu-a100-0', 'kwok-gpu-t4-0']);
    expect(first.byType).toEqual([
      { product: A100, capacity: 4, allocated: 0, free: 4 },
      { product: T4, capacity: 2, allocated: 0, free: 2 },
    ]);
    expect(first.byUser).toEqual([]);
  });

  it('equals the GPU requests of every kind of pod, by user and by kind, and follows a deletion', async () => {
    for (const pod of PODS) await core.createNamespacedPod({ namespace, body: podOf(pod) });
    const seen = await eventually('all four pods bound and counted', 60_000, async () => {
      const u = await usage();
      return mine(u).length === PODS.length ? u : undefined;
    });

    const cluster = await clusterFigures();
    expect(seen.totals).toEqual({
      capacity: cluster.capacity,
      allocated: cluster.allocated,
      free: cluster.capacity - cluster.allocated,
    });
    expect(seen.totals.allocated).toBe(PODS.reduce((sum, pod) => sum + pod.gpus, 0));
    expect(Object.fromEntries(seen.byType.map((t) => [t.product, t.allocated]))).toEqual(cluster.byProduct);

    const expected = expectedSums(PODS);
    expect(seen.byKind).toEqual(expected.byKind);
    expect(seen.byUser).toEqual(expected.byUser);
    expect(
      mine(seen)
        .map((a) => ({ pod: a.pod, product: a.product, gpus: a.gpus, kind: a.kind, user: a.user }))
        .sort((a, b) => a.pod.localeCompare(b.pod)),
    ).toEqual(
      PODS.map((p) => ({ pod: p.name, product: p.product, gpus: p.gpus, kind: p.kind, user: p.user })).sort(
        (a, b) => a.pod.localeCompare(b.pod),
      ),
    );

    await core.deleteNamespacedPod({ namespace, name: 'alice-train-run-1', gracePeriodSeconds: 0 });
    const after = await eventually('the deleted run pod to drop out', 60_000, async () => {
      const u = await usage();
      return mine(u).length === PODS.length - 1 ? u : undefined;
    });
    const remaining = PODS.filter((p) => p.name !== 'alice-train-run-1');
    const clusterAfter = await clusterFigures();
    expect(after.totals.allocated).toBe(clusterAfter.allocated);
    expect(after.totals.allocated).toBe(remaining.reduce((sum, pod) => sum + pod.gpus, 0));
    expect(after.byKind).toEqual(expectedSums(remaining).byKind);
    expect(after.byUser).toEqual(expectedSums(remaining).byUser);
    expect(after.byType.find((t) => t.product === A100)).toEqual({
      product: A100,
      capacity: 4,
      allocated: 1,
      free: 3,
    });
  });

  it('is for admins only', async () => {
    expect((await stack.call(stack.tokens.alice, '/api/v1/admin/gpu-usage')).status).toBe(403);
    expect((await stack.call(undefined, '/api/v1/admin/gpu-usage')).status).toBe(401);
  });
});
