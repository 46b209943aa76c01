import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { computeGpuUsage } from '../../hub-proxy/src/admin/gpu-usage.js';
import { computeGpuAvailability, type GpuNode } from '../../hub-proxy/src/environments/gpu-availability.js';
import { runJobManifest } from '../../hub-proxy/src/jobs/kubernetes/batch-manifests.js';
import { missingClaimOf } from '../../hub-proxy/src/jobs/kubernetes/home-volume.js';
import {
  NOTEBOOK_JOB_API_VERSION,
  NOTEBOOK_JOB_KIND,
  type NotebookJob,
} from '../../hub-proxy/src/jobs/model.js';
import { JOB_LABELS, jobObjectName } from '../../hub-proxy/src/jobs/naming.js';
import { ownerMetadata } from '../../hub-proxy/src/ownership/ownership.js';
import { trimPod } from '../../hub-proxy/src/k8s/pod-trim.js';

// The pod caches keep trimmed pods (hub-proxy/src/k8s/pod-trim.ts). This is
// the contract with every reader of those caches, across features: GPU
// availability (environments), GPU usage (admin) and the missing-claim check
// that fails a run whose pod can never start (jobs). Each must answer from
// the trimmed pods exactly as from the full ones.

const A100 = 'NVIDIA-A100-SXM4-80GB';
const T4 = 'Tesla-T4';

function gpuNode(name: string, gpus: number, product?: string): GpuNode {
  return {
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, ...(product ? { 'nvidia.com/gpu.product': product } : {}) },
    },
    spec: {},
    status: {
      allocatable: { cpu: '32', memory: '128Gi', ...(gpus > 0 ? { 'nvidia.com/gpu': String(gpus) } : {}) },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

const NODES = [
  gpuNode('cpu-0', 0),
  gpuNode('a100-0', 4, A100),
  gpuNode('a100-1', 8, A100),
  gpuNode('t4-0', 2, T4),
];

const MANAGED_FIELDS = [
  {
    manager: 'kube-controller-manager',
    operation: 'Update',
    apiVersion: 'v1',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:metadata': { 'f:labels': { '.': {} } }, 'f:spec': { 'f:containers': {} } },
  },
];

/** A NotebookJob as the jobs service stores one. */
function notebookJob(owner: string, jobName: string, gpus: number): NotebookJob {
  const name = jobObjectName(owner, jobName);
  const stamp = ownerMetadata(owner);
  return {
    apiVersion: NOTEBOOK_JOB_API_VERSION,
    kind: NOTEBOOK_JOB_KIND,
    metadata: {
      name,
      uid: `uid-${name}`,
      labels: { ...stamp.labels, [JOB_LABELS.jobName]: jobName },
      annotations: stamp.annotations,
    },
    spec: {
      jobName,
      notebook: {
        path: `work/${jobName}.ipynb`,
        inputKey: `inputs/${owner}/${name}/${'d'.repeat(64)}.ipynb`,
        digest: 'd'.repeat(64),
        sizeBytes: 10,
        updatedAt: '2026-12-01T00:00:00.000Z',
        kernel: 'python3',
      },
      environment: gpus > 0 ? 'torch-cuda' : 'cpu-base',
      image: 'quay.io/jupyter/base-notebook:2026-11-01',
      resources: { cpu: '2', memory: '8Gi', gpus, ...(gpus > 0 ? { gpuType: 'a100' } : {}) },
      parameters: { n: 1 },
      suspend: false,
      retries: 1,
      timeoutSeconds: 3600,
      concurrency: 'forbid',
      dependsOn: [],
      alerts: [],
      outputs: ['ipynb'],
      historyLimit: 20,
    },
  };
}

/** A run pod as the Job controller makes it from `runJobManifest`'s template, with server-set fields. */
function runPod(
  owner: string,
  name: string,
  options: { gpus: number; nodeName?: string; phase: string; homeClaim?: boolean; scheduled?: V1Condition },
): V1Pod {
  const job = notebookJob(owner, name, options.gpus);
  const manifest = runJobManifest(
    job,
    { id: `${name}-run`, trigger: 'manual', parameters: { date: '2026-12-01' } },
    {
      runnerApiUrl: 'http://hub-proxy:8080/services/turing/runner',
      ...(options.homeClaim
        ? {
            homeVolume: { claimNameTemplate: 'claim-{username}', mountPath: '/home/jovyan', readOnly: false },
          }
        : {}),
    },
  );
  const template = manifest.spec?.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-run-abcde`,
      namespace: 'turing',
      uid: `pod-${name}`,
      resourceVersion: '4242',
      creationTimestamp: new Date('2026-12-01T00:00:00Z'),
      labels: { ...template?.metadata?.labels, 'batch.kubernetes.io/job-name': `${name}-run` },
      annotations: {
        ...template?.metadata?.annotations,
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(manifest),
      },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: `${name}-run`, uid: 'job-uid' }],
      managedFields: MANAGED_FIELDS,
    },
    spec: {
      ...(template?.spec ?? { containers: [] }),
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
    },
    status: {
      phase: options.phase,
      conditions: [
        options.scheduled ?? {
          type: 'PodScheduled',
          status: 'True',
          lastTransitionTime: new Date('2026-12-01T00:00:01Z'),
        },
      ],
      containerStatuses: [
        {
          name: 'runner',
          image: 'quay.io/jupyter/base-notebook',
          imageID: 'sha256:' + 'a'.repeat(64),
          ready: options.phase === 'Running',
          restartCount: 0,
          state: { running: { startedAt: new Date('2026-12-01T00:00:02Z') } },
        },
      ],
    },
  };
}

type V1Condition = NonNullable<NonNullable<V1Pod['status']>['conditions']>[number];

/** A KubeSpawner server pod with GPUs, a native sidecar and pod overhead. */
function serverPod(user: string, gpus: number, nodeName: string, phase = 'Running'): V1Pod {
  return {
    metadata: {
      name: `jupyter-${user}`,
      namespace: 'jhub',
      labels: { component: 'singleuser-server', 'hub.jupyter.org/username': user },
      annotations: { 'hub.jupyter.org/username': user, 'hub.jupyter.org/servername': '' },
      managedFields: MANAGED_FIELDS,
    },
    spec: {
      nodeName,
      overhead: { cpu: '100m' },
      initContainers: [
        { name: 'block-metadata', image: 'busybox', command: ['sh', '-c', 'true'] },
        {
          name: 'log-shipper',
          image: 'fluent-bit',
          restartPolicy: 'Always',
          resources: { limits: { 'nvidia.com/gpu': '0' } },
        },
      ],
      containers: [
        {
          name: 'notebook',
          image: 'quay.io/jupyter/pytorch-notebook:cuda12',
          env: Array.from({ length: 30 }, (_, i) => ({ name: `JUPYTERHUB_VAR_${i}`, value: 'x'.repeat(40) })),
          resources: { requests: { cpu: '4' }, limits: { 'nvidia.com/gpu': String(gpus) } },
          volumeMounts: [{ name: 'home', mountPath: '/home/jovyan' }],
        },
      ],
      volumes: [
        { name: 'home', persistentVolumeClaim: { claimName: `claim-${user}` } },
        { name: 'config', configMap: { name: 'user-etc' } },
      ],
    },
    status: { phase },
  };
}

const MISSING = (claim: string): V1Condition => ({
  type: 'PodScheduled',
  status: 'False',
  reason: 'Unschedulable',
  message: `0/4 nodes are available: persistentvolumeclaim "${claim}" not found. preemption: 0/4 nodes are available.`,
  lastTransitionTime: new Date('2026-12-01T00:00:03Z'),
});

/** Running, pending and finished pods; GPU and CPU; runs, servers and an unrelated pod. */
function realisticPods(): V1Pod[] {
  return [
    runPod('alice', 'train', { gpus: 2, nodeName: 'a100-0', phase: 'Running' }),
    runPod('bob', 'etl', { gpus: 0, nodeName: 'cpu-0', phase: 'Running' }),
    runPod('bob', 'old-train', { gpus: 4, nodeName: 'a100-1', phase: 'Succeeded' }),
    runPod('carol', 'crashed', { gpus: 1, nodeName: 't4-0', phase: 'Failed' }),
    runPod('dave', 'waiting', {
      gpus: 1,
      phase: 'Pending',
      homeClaim: true,
      scheduled: MISSING('claim-dave'),
    }),
    runPod('erin', 'queued', {
      gpus: 1,
      phase: 'Pending',
      homeClaim: true,
      scheduled: { ...MISSING('x'), message: '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.' },
    }),
    serverPod('frank', 1, 'a100-1'),
    serverPod('grace', 1, 't4-0'),
    serverPod('heidi', 2, 'a100-0', 'Succeeded'),
    {
      metadata: { name: 'other', namespace: 'ml', labels: { app: 'x' } },
      spec: {
        nodeName: 'a100-1',
        containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '3' } } }],
      },
      status: { phase: 'Running' },
    },
  ];
}

/** The same pods after the cache's trim (as JSON, as the informer cache holds them). */
function trimmed(pods: V1Pod[]): V1Pod[] {
  return pods.map((pod) => trimPod(JSON.parse(JSON.stringify(pod)) as V1Pod));
}

describe('the trimmed pod caches', () => {
  it('answer GPU availability (free, requested, per node and per product) exactly as the full pods', () => {
    const full = computeGpuAvailability(NODES, realisticPods());
    expect(computeGpuAvailability(NODES, trimmed(realisticPods()))).toEqual(full);
    // The fixture exercises what it claims: GPUs are held on both products.
    expect(full.types.map((t) => [t.type, t.requested])).toEqual([
      [A100, 2 + 1 + 3],
      [T4, 1],
    ]);
  });

  it('answer the admin GPU usage (by node, type, user and workload kind) exactly as the full pods', () => {
    const full = computeGpuUsage(NODES, realisticPods());
    expect(computeGpuUsage(NODES, trimmed(realisticPods()))).toEqual(full);
    expect(full.byUser.map((u) => u.user).sort()).toEqual(['alice', 'frank', 'grace']);
  });

  it("find the run pods waiting for a missing home claim exactly as the full pods (and only dave's)", () => {
    const full = realisticPods().map(missingClaimOf);
    expect(trimmed(realisticPods()).map(missingClaimOf)).toEqual(full);
    expect(full.filter(Boolean)).toEqual(['claim-dave']);
  });

  it('keep a finished pod as metadata, node name and phase only, and drop managedFields, env and large annotations', () => {
    const [running, , finished] = trimmed(realisticPods());
    expect(finished?.spec).toEqual({ nodeName: 'a100-1', containers: [] });
    expect(finished?.status).toEqual({ phase: 'Succeeded' });
    expect(finished?.metadata?.labels?.['turing.dev/owner']).toBe('bob');
    expect(running?.metadata?.managedFields).toBeUndefined();
    expect(Object.keys(running?.metadata?.annotations ?? {})).toEqual(['turing.dev/owner-name']);
    expect(running?.spec?.containers[0]?.env).toBeUndefined();
    expect(running?.status?.containerStatuses).toBeUndefined();
  });

  it('shrink a realistic run pod to under a quarter of its JSON, and trimming twice changes nothing', () => {
    const full = realisticPods()[0] as V1Pod;
    const once = trimPod(JSON.parse(JSON.stringify(full)) as V1Pod);
    expect(JSON.stringify(once).length).toBeLessThan(JSON.stringify(full).length / 4);
    expect(trimPod(JSON.parse(JSON.stringify(once)) as V1Pod)).toEqual(once);
  });
});
