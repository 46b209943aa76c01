import { describe, expect, it } from 'vitest';
import {
  computeGpuAvailability,
  podRequest,
  type GpuContainer,
  type GpuNode,
  type GpuPod,
} from './gpu-availability.js';

const GPU = 'nvidia.com/gpu';

function node(
  name: string,
  gpus: number | undefined,
  product?: string,
  extra: { ready?: boolean; unschedulable?: boolean } = {},
): GpuNode {
  const allocatable: Record<string, string> = { cpu: '32' };
  if (gpus !== undefined) allocatable[GPU] = String(gpus);
  return {
    metadata: { name, labels: product ? { 'nvidia.com/gpu.product': product } : {} },
    spec: extra.unschedulable ? { unschedulable: true } : {},
    status: {
      allocatable,
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: extra.ready === false ? 'False' : 'True' },
      ],
    },
  };
}

function gpus(requests?: number, limits?: number): GpuContainer {
  return {
    resources: {
      ...(requests !== undefined ? { requests: { cpu: '1', [GPU]: String(requests) } } : {}),
      ...(limits !== undefined ? { limits: { [GPU]: String(limits) } } : {}),
    },
  };
}

function pod(
  nodeName: string | undefined,
  containers: GpuContainer[],
  extra: { phase?: string; initContainers?: GpuContainer[] } = {},
): GpuPod {
  return {
    metadata: { name: 'p', namespace: 'ns' },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers,
      ...(extra.initContainers ? { initContainers: extra.initContainers } : {}),
    },
    status: { phase: extra.phase ?? 'Running' },
  };
}

function freeByType(nodes: GpuNode[], pods: GpuPod[]): Record<string, number> {
  const result = computeGpuAvailability(nodes, pods);
  return Object.fromEntries(result.types.map((t) => [t.type, t.free]));
}

describe('podRequest', () => {
  it('sums the app containers', () => {
    expect(podRequest(pod('n', [gpus(1), gpus(2), { resources: {} }, {}]))).toBe(3);
  });

  it('falls back to the limit when an extended resource has no request', () => {
    expect(podRequest(pod('n', [gpus(undefined, 2)]))).toBe(2);
    expect(podRequest(pod('n', [gpus(1, 1)]))).toBe(1);
  });

  it('takes the larger of the app containers and the largest init container', () => {
    expect(podRequest(pod('n', [gpus(1)], { initContainers: [gpus(2), gpus(3)] }))).toBe(3);
    expect(podRequest(pod('n', [gpus(2), gpus(2)], { initContainers: [gpus(3)] }))).toBe(4);
  });

  it('adds native sidecars to the app containers and to the init containers after them', () => {
    const sidecar: GpuContainer = { ...gpus(1), restartPolicy: 'Always' };
    // init peak: sidecar 1 + init 2 = 3; running: app 1 + sidecar 1 = 2.
    expect(podRequest(pod('n', [gpus(1)], { initContainers: [sidecar, gpus(2)] }))).toBe(3);
    // The init container runs before the sidecar starts: peak 2; running 1 + 1 = 2.
    expect(podRequest(pod('n', [gpus(1)], { initContainers: [gpus(2), sidecar] }))).toBe(2);
  });

  it('adds the pod overhead and reads the requested resource only', () => {
    const p = pod('n', [gpus(1)]);
    p.spec = { ...p.spec, overhead: { [GPU]: '1' } };
    expect(podRequest(p)).toBe(2);
    expect(podRequest(p, 'amd.com/gpu')).toBe(0);
  });
});

describe('computeGpuAvailability', () => {
  const a100 = 'NVIDIA-A100-SXM4-80GB';
  const t4 = 'Tesla-T4';

  it('reports allocatable, requested and free per type, sorted, with a total', () => {
    const nodes = [
      node('cpu-0', undefined),
      node('t4-0', 2, t4),
      node('a100-0', 4, a100),
      node('a100-1', 4, a100),
    ];
    const pods = [
      pod('a100-0', [gpus(1)]),
      pod('a100-0', [gpus(2)]),
      pod('a100-1', [gpus(1)]),
      pod('t4-0', [gpus(2)]),
      pod('cpu-0', [{ resources: { requests: { cpu: '4' } } }]),
    ];
    expect(computeGpuAvailability(nodes, pods)).toEqual({
      resource: GPU,
      types: [
        { type: a100, nodes: 2, allocatable: 8, requested: 4, free: 4, largestFreeOnOneNode: 3 },
        { type: t4, nodes: 1, allocatable: 2, requested: 2, free: 0, largestFreeOnOneNode: 0 },
      ],
      total: { nodes: 3, allocatable: 10, requested: 6, free: 4, largestFreeOnOneNode: 3 },
    });
  });

  it('tracks the largest free count on one node, since a pod must fit on a single node', () => {
    const nodes = [node('a', 4, a100), node('b', 4, a100), node('c', 4, a100)];
    const pods = [pod('a', [gpus(3)]), pod('b', [gpus(3)]), pod('c', [gpus(2)])];
    const [type] = computeGpuAvailability(nodes, pods).types;
    expect(type?.free).toBe(4);
    expect(type?.largestFreeOnOneNode).toBe(2);
  });

  it('ignores not-Ready and cordoned nodes, and the pods on them', () => {
    const nodes = [
      node('ready', 4, a100),
      node('not-ready', 4, a100, { ready: false }),
      node('cordoned', 4, a100, { unschedulable: true }),
      { ...node('no-conditions', 4, a100), status: { allocatable: { [GPU]: '4' } } },
    ];
    const pods = [pod('ready', [gpus(1)]), pod('not-ready', [gpus(4)]), pod('cordoned', [gpus(2)])];
    expect(computeGpuAvailability(nodes, pods).types).toEqual([
      { type: a100, nodes: 1, allocatable: 4, requested: 1, free: 3, largestFreeOnOneNode: 3 },
    ]);
  });

  it('ignores Succeeded and Failed pods, but counts Pending, Running and Unknown ones', () => {
    const nodes = [node('a', 8, a100)];
    const pods = ['Succeeded', 'Failed', 'Pending', 'Running', 'Unknown'].map((phase) =>
      pod('a', [gpus(1)], { phase }),
    );
    expect(freeByType(nodes, pods)).toEqual({ [a100]: 5 });
  });

  it('ignores unbound pods and pods on nodes it does not know', () => {
    const nodes = [node('a', 4, a100)];
    expect(freeByType(nodes, [pod(undefined, [gpus(2)]), pod('gone', [gpus(2)])])).toEqual({ [a100]: 4 });
  });

  it('applies the init-container rule and the limits fallback per pod', () => {
    const nodes = [node('a', 8, a100)];
    const pods = [
      pod('a', [gpus(1)], { initContainers: [gpus(3)] }), // 3
      pod('a', [gpus(undefined, 2)]), // 2 (limits only)
    ];
    expect(computeGpuAvailability(nodes, pods).types[0]).toMatchObject({ requested: 5, free: 3 });
  });

  it('puts GPU nodes without the type label under "unknown" and skips nodes without GPUs', () => {
    const nodes = [node('plain', 2), node('zero', 0, t4), node('cpu', undefined)];
    expect(computeGpuAvailability(nodes, [pod('plain', [gpus(1)])]).types).toEqual([
      { type: 'unknown', nodes: 1, allocatable: 2, requested: 1, free: 1, largestFreeOnOneNode: 1 },
    ]);
  });

  it('never reports negative free counts on an over-committed node', () => {
    const nodes = [node('a', 2, t4)];
    const result = computeGpuAvailability(nodes, [pod('a', [gpus(2)]), pod('a', [gpus(1)])]);
    expect(result.types[0]).toMatchObject({ allocatable: 2, requested: 3, free: 0, largestFreeOnOneNode: 0 });
  });

  it('honours a custom resource and type label', () => {
    const nodes: GpuNode[] = [
      {
        metadata: { name: 'amd', labels: { 'amd.com/gpu.product-name': 'MI300X' } },
        status: { allocatable: { 'amd.com/gpu': '8' }, conditions: [{ type: 'Ready', status: 'True' }] },
      },
      node('nv', 4, a100),
    ];
    const pods: GpuPod[] = [
      pod('amd', [{ resources: { limits: { 'amd.com/gpu': '2' } } }]),
      pod('nv', [gpus(1)]),
    ];
    const result = computeGpuAvailability(nodes, pods, {
      resource: 'amd.com/gpu',
      typeLabel: 'amd.com/gpu.product-name',
    });
    expect(result.resource).toBe('amd.com/gpu');
    expect(result.types).toEqual([
      { type: 'MI300X', nodes: 1, allocatable: 8, requested: 2, free: 6, largestFreeOnOneNode: 6 },
    ]);
  });

  it('returns empty types and zero totals for a cluster without GPUs', () => {
    expect(computeGpuAvailability([node('cpu', undefined)], [])).toEqual({
      resource: GPU,
      types: [],
      total: { nodes: 0, allocatable: 0, requested: 0, free: 0, largestFreeOnOneNode: 0 },
    });
  });
});
