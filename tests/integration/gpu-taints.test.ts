import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MODEL_SERVER_RESOURCE, modelServerObject } from '../../hub-proxy/src/models/kubernetes/index.js';
import type { ModelSpec } from '../../hub-proxy/src/models/model.js';
import { JOB_NAME_POD_LABEL } from '../../hub-proxy/src/jobs/kubernetes/index.js';
import { waitUntil } from '../support/child-process.js';
import { eventually } from '../support/eventually.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { createNamespace } from '../support/namespaces.js';
import { pythonNotebook } from '../support/notebooks.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

const kubeconfigPath = inject('kubeconfigPath');
const suffix = randomBytes(3).toString('hex');
const namespace = `gpu-taints-${suffix}`;
/** A node only this file makes: its product and pool labels match no node of tests/support/fake-nodes.ts. */
const NODE = `kwok-gpu-tainted-${suffix}`;
const PRODUCT = `Turing-Tainted-GPU-${suffix}`;
const POOL_LABEL = 'turing.dev/test-pool';
const POOL = `tainted-${suffix}`;
/** How GKE and EKS taint GPU nodes. */
const TAINT = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };
const GPU_TYPE = 'tainted';

/** A catalog of one CPU and one GPU environment; the GPU type selects only {@link NODE}. */
const CATALOG = `
gpuTypes:
  ${GPU_TYPE}:
    displayName: Tainted test GPU
    nodeSelector:
      nvidia.com/gpu.product: ${PRODUCT}
      ${POOL_LABEL}: ${POOL}
    tolerations:
      - key: nvidia.com/gpu
        operator: Exists
        effect: NoSchedule
environments:
  - id: cpu-test
    displayName: CPU test
    description: CPU only.
    image: example.org/cpu-test:1
    default: true
    versions: { python: '3.11' }
    resources:
      cpu: { default: '1', max: '2' }
      memory: { default: 1Gi, max: 2Gi }
  - id: gpu-test
    displayName: GPU test
    description: On the tainted GPU node.
    image: example.org/gpu-test:1
    versions: { python: '3.11', cuda: '12.4' }
    gpu: { vendor: nvidia, resource: nvidia.com/gpu, counts: [1], types: [${GPU_TYPE}] }
    resources:
      cpu: { default: '1', max: '2' }
      memory: { default: 1Gi, max: 2Gi }
`;
/** Judges nothing: the test environments name no framework. */
const COMPATIBILITY = 'sources: {}\nframeworks: {}\n';

function taintedNode(): V1Node {
  const resources = {
    cpu: '32',
    memory: '128Gi',
    pods: '110',
    'ephemeral-storage': '500Gi',
    'nvidia.com/gpu': '4',
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: NODE,
      labels: {
        'kubernetes.io/hostname': NODE,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
        'nvidia.com/gpu.product': PRODUCT,
        [POOL_LABEL]: POOL,
      },
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
    },
    spec: { taints: [TAINT] },
    status: { capacity: resources, allocatable: resources },
  };
}

function gpuModel(name: string): ModelSpec {
  return {
    name,
    owner: 'alice',
    runtime: { kind: 'tfserving', version: '2.19.0', gpu: true },
    format: 'tensorflow',
    replicas: { min: 1, max: 1 },
    resources: { cpu: '1', memory: '1Gi', gpu: 1, gpuType: GPU_TYPE },
    access: { users: [], groups: [], apiKeys: false },
    apiKeys: [],
    versions: [
      {
        version: 1,
        format: 'tensorflow',
        files: [
          { path: 'saved_model.pb', sizeBytes: 2000 },
          { path: 'variables/variables.index', sizeBytes: 100 },
        ],
        storagePrefix: `users/alice/models/${name}/versions/1/`,
        sizeBytes: 2100,
        source: { kind: 'upload', by: 'alice' },
        createdAt: '2026-12-01T10:00:00.000Z',
      },
    ],
    traffic: { stable: 1, canaryPercent: 0 },
    disabled: false,
  };
}

/**
 * GPU nodes as managed clusters have them: a kwok node tainted
 * `nvidia.com/gpu=present:NoSchedule`, placed by the real kube-scheduler.
 * hub-proxy (kubernetes runtime, in-process, as the chart's ServiceAccount)
 * gives job runs and model servers of a catalog GPU type that type's node
 * labels and tolerations, so they land on the node; a CPU run does not.
 */
describe('GPU placement on a tainted GPU node (kube-scheduler, kwok)', () => {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const dir = mkdtempSync(join(tmpdir(), 'turing-gpu-taints-'));
  const serviceToken = randomBytes(24).toString('hex');
  let hub: JupyterHub;
  let proxy: InProcessHubProxy | undefined;
  let token = '';

  const api = async <T>(path: string, init: RequestInit = {}, status = 200): Promise<T> => {
    const res = await fetch(`${hub.url}/services/turing${path}`, {
      ...init,
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    });
    const text = await res.text();
    if (res.status !== status) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };

  /** Creates job `name` in `environment` and runs it now; returns the run id. */
  async function runJob(
    name: string,
    environment: string,
    resources: Record<string, unknown>,
  ): Promise<string> {
    await api(
      '/api/v1/jobs',
      {
        method: 'POST',
        body: JSON.stringify({
          name,
          notebook: { path: `${name}.ipynb`, content: pythonNotebook({ cells: ['print(1)'] }) },
          environment,
          resources,
        }),
      },
      201,
    );
    return (await api<{ id: string }>(`/api/v1/jobs/${name}/runs`, { method: 'POST', body: '{}' }, 201)).id;
  }

  /** The first pod matching `selector`, once the scheduler has bound it. */
  async function boundPod(selector: string): Promise<V1Pod> {
    return eventually(
      `a bound pod for ${selector}`,
      60_000,
      async () => {
        const pods = await core.listNamespacedPod({ namespace, labelSelector: selector });
        return pods.items.find((p) => p.spec?.nodeName);
      },
      250,
    );
  }

  beforeAll(async () => {
    await core.createNode({ body: taintedNode() });
    await eventually(
      'kwok to make the tainted node Ready',
      60_000,
      async () => {
        const node = await core.readNode({ name: NODE });
        return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      },
      250,
    );
    await createNamespace(kubeconfigPath, namespace);
    writeFileSync(join(dir, 'catalog.yaml'), CATALOG);
    writeFileSync(join(dir, 'compatibility.yaml'), COMPATIBILITY);
    const port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    await hub.createUser('alice');
    token = await hub.tokenFor('alice');
    proxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: {
        TURING_RUNTIME: 'kubernetes',
        TURING_KUBECONFIG: kubeconfigPath,
        TURING_NAMESPACE: namespace,
        TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
        TURING_CATALOG: join(dir, 'catalog.yaml'),
        TURING_COMPATIBILITY: join(dir, 'compatibility.yaml'),
      },
    });
    await waitUntil('hub-proxy ready', async () => (await fetch(`${proxy?.base ?? ''}/readyz`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
  });

  afterAll(async () => {
    await proxy?.stop();
    await hub?.stop();
    // The pods go with the namespace; the node goes once nothing runs on it, so later files see only the shared fake nodes.
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await eventually(
      'no pod left on the tainted node',
      90_000,
      async () => {
        const pods = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${NODE}` });
        return pods.items.length === 0;
      },
      500,
    ).catch(() => undefined);
    await core.deleteNode({ name: NODE }).catch(() => undefined);
    await eventually(
      'the tainted node to be gone',
      30_000,
      () =>
        core.readNode({ name: NODE }).then(
          () => false,
          () => true,
        ),
      250,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('schedules a GPU job run onto the tainted node, with the type’s node labels and toleration', async () => {
    const runId = await runJob('gpu-train', 'gpu-test', { gpus: 1, gpuType: GPU_TYPE });
    const pod = await boundPod(`${JOB_NAME_POD_LABEL}=${runId}`);
    expect(pod.spec?.nodeName).toBe(NODE);
    expect(pod.spec?.nodeSelector).toEqual({ 'nvidia.com/gpu.product': PRODUCT, [POOL_LABEL]: POOL });
    expect(pod.spec?.tolerations).toContainEqual({
      key: 'nvidia.com/gpu',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
  });

  it('keeps the same pod off the node without the toleration: the taint is what it tolerates', async () => {
    // The run's own pod template, toleration removed: the scheduler must refuse it the node.
    const [job] = (
      await batch.listNamespacedJob({ namespace, labelSelector: 'turing.dev/job-name=gpu-train' })
    ).items;
    const spec = job?.spec?.template.spec;
    if (!spec) throw new Error('the GPU run has no Job');
    const { tolerations: _dropped, ...untolerated } = spec;
    await core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'gpu-without-toleration' }, spec: untolerated },
    });
    const message = await eventually(
      'the scheduler to refuse the pod',
      60_000,
      async () => {
        const pod = await core.readNamespacedPod({ namespace, name: 'gpu-without-toleration' });
        const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
        return scheduled?.status === 'False' ? (scheduled.message ?? '') : undefined;
      },
      250,
    );
    // The one node that matches its selector (ours) is refused for its taint alone.
    expect(message).toMatch(/1 node\(s\) had untolerated taint/);
    expect(message).not.toMatch(/Insufficient/);
    const pod = await core.readNamespacedPod({ namespace, name: 'gpu-without-toleration' });
    expect(pod.spec?.nodeName).toBeUndefined();
  });

  it('schedules a GPU model server onto the tainted node the same way', async () => {
    await custom.createNamespacedCustomObject({
      group: MODEL_SERVER_RESOURCE.group,
      version: MODEL_SERVER_RESOURCE.version,
      plural: MODEL_SERVER_RESOURCE.plural,
      namespace,
      body: modelServerObject(gpuModel('tainted-vision')),
    });
    // hub-proxy's ModelServer controller makes the Deployment; its pods carry the placement.
    const pod = await boundPod('turing.dev/model=tainted-vision');
    expect(pod.spec?.nodeName).toBe(NODE);
    expect(pod.spec?.nodeSelector).toEqual({ 'nvidia.com/gpu.product': PRODUCT, [POOL_LABEL]: POOL });
    expect(pod.spec?.tolerations).toContainEqual({
      key: 'nvidia.com/gpu',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
  });

  it('schedules a CPU job run elsewhere: it neither selects GPU nodes nor tolerates their taint', async () => {
    const runId = await runJob('cpu-report', 'cpu-test', {});
    const pod = await boundPod(`${JOB_NAME_POD_LABEL}=${runId}`);
    expect(pod.spec?.nodeName).toBeDefined();
    expect(pod.spec?.nodeName).not.toBe(NODE);
    expect(pod.spec?.nodeSelector).toBeUndefined();
    // The API server adds its own not-ready/unreachable tolerations; none is for the GPU taint.
    expect(pod.spec?.tolerations?.filter((t) => t.key === 'nvidia.com/gpu') ?? []).toEqual([]);
  });
});
