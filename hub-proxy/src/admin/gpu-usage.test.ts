import { describe, expect, it } from 'vitest';
import type { GpuNode } from '../environments/index.js';
import { computeGpuUsage } from './gpu-usage.js';
import type { WorkloadPod } from './gpu-workload.js';

const GPU = 'nvidia.com/gpu';

function node(
  name: string,
  gpus: number,
  product?: string,
  extra: { unschedulable?: boolean } = {},
): GpuNode {
  return {
    metadata: { name, labels: product ? { 'nvidia.com/gpu.product': product } : {} },
    spec: extra.unschedulable ? { unschedulable: true } : {},
    status: {
      allocatable: { cpu: '32', [GPU]: String(gpus) },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

const SERVER = { component: 'singleuser-server' };
const RUN = { 'turing.dev/notebookjob': 'j' };
const MODEL = { 'app.kubernetes.io/component': 'model-server', 'turing.dev/model': 'm' };

function pod(
  name: string,
  nodeName: string | undefined,
  gpus: number,
  options: {
    labels?: Record<string, string>;
    user?: string;
    phase?: string;
    initGpus?: number;
    asLimit?: boolean;
  } = {},
): WorkloadPod {
  const labels = { ...options.labels };
  const annotations: Record<string, string> = {};
  if (options.user) {
    if (labels.component === 'singleuser-server') annotations['hub.jupyter.org/username'] = options.user;
    else annotations['turing.dev/owner-name'] = options.user;
  }
  const resources = options.asLimit
    ? { limits: { [GPU]: String(gpus) } }
    : { requests: { [GPU]: String(gpus) } };
  return {
    metadata: { name, namespace: 'ns', labels, annotations },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [{ resources }],
      ...(options.initGpus
        ? { initContainers: [{ resources: { requests: { [GPU]: String(options.initGpus) } } }] }
        : {}),
    },
    status: { phase: options.phase ?? 'Running' },
  };
}

const nodes = [node('a100-1', 4, 'A100'), node('t4-1', 2, 'T4'), node('cpu-1', 0), node('t4-2', 2, 'T4')];

describe('computeGpuUsage', () => {
  it('sums the GPUs of each workload kind by user, type and node', () => {
    const usage = computeGpuUsage(nodes, [
      pod('jupyter-alice', 'a100-1', 1, { labels: SERVER, user: 'alice' }),
      pod('run-1', 'a100-1', 2, { labels: RUN, user: 'alice' }),
      pod('model-m-1', 't4-1', 1, { labels: MODEL, user: 'bob' }),
      pod('stray', 't4-2', 1, { asLimit: true }),
    ]);
    expect(usage.totals).toEqual({ capacity: 8, allocated: 5, free: 3 });
    expect(usage.byType).toEqual([
      { product: 'A100', capacity: 4, allocated: 3, free: 1 },
      { product: 'T4', capacity: 4, allocated: 2, free: 2 },
    ]);
    expect(usage.nodes.map((n) => [n.name, n.allocated, n.free])).toEqual([
      ['a100-1', 3, 1],
      ['t4-1', 1, 1],
      ['t4-2', 1, 1],
    ]);
    expect(usage.byKind).toEqual({ server: 1, jobRun: 2, modelReplica: 1, other: 1 });
    expect(usage.byUser).toEqual([
      { user: 'alice', server: 1, jobRun: 2, modelReplica: 0, other: 0, total: 3 },
      { user: 'bob', server: 0, jobRun: 0, modelReplica: 1, other: 0, total: 1 },
    ]);
    expect(usage.allocations).toEqual([
      {
        namespace: 'ns',
        pod: 'jupyter-alice',
        node: 'a100-1',
        product: 'A100',
        user: 'alice',
        kind: 'server',
        gpus: 1,
      },
      {
        namespace: 'ns',
        pod: 'run-1',
        node: 'a100-1',
        product: 'A100',
        user: 'alice',
        kind: 'jobRun',
        gpus: 2,
      },
      {
        namespace: 'ns',
        pod: 'model-m-1',
        node: 't4-1',
        product: 'T4',
        user: 'bob',
        kind: 'modelReplica',
        gpus: 1,
      },
      { namespace: 'ns', pod: 'stray', node: 't4-2', product: 'T4', kind: 'other', gpus: 1 },
    ]);
  });

  it('ignores terminated pods, unbound pods, pods on nodes without GPUs and pods that request none', () => {
    const usage = computeGpuUsage(nodes, [
      pod('done', 'a100-1', 2, { labels: RUN, user: 'alice', phase: 'Succeeded' }),
      pod('failed', 'a100-1', 1, { labels: RUN, user: 'alice', phase: 'Failed' }),
      pod('pending', undefined, 1, { labels: SERVER, user: 'alice', phase: 'Pending' }),
      pod('on-cpu', 'cpu-1', 1, { labels: SERVER, user: 'bob' }),
      pod('on-gone-node', 'nope', 1, { labels: SERVER, user: 'bob' }),
      pod('cpu-only', 't4-1', 0, { labels: SERVER, user: 'bob' }),
    ]);
    expect(usage.totals).toEqual({ capacity: 8, allocated: 0, free: 8 });
    expect(usage.byUser).toEqual([]);
    expect(usage.byKind).toEqual({ server: 0, jobRun: 0, modelReplica: 0, other: 0 });
    expect(usage.allocations).toEqual([]);
  });

  it('counts an init container that asks for more than the app containers, as the scheduler does', () => {
    const usage = computeGpuUsage(nodes, [
      pod('warmup', 'a100-1', 1, { labels: RUN, user: 'alice', initGpus: 3 }),
    ]);
    expect(usage.allocations[0]?.gpus).toBe(3);
    expect(usage.byUser[0]).toMatchObject({ user: 'alice', jobRun: 3, total: 3 });
  });

  it("keeps a cordoned node's allocations but offers none of its GPUs as free", () => {
    const usage = computeGpuUsage(
      [node('old', 4, 'V100', { unschedulable: true })],
      [pod('run', 'old', 1, { labels: RUN, user: 'alice' })],
    );
    expect(usage.nodes).toEqual([{ name: 'old', product: 'V100', capacity: 4, allocated: 1, free: 0 }]);
    expect(usage.totals).toEqual({ capacity: 4, allocated: 1, free: 0 });
  });

  it('files GPU nodes without a product label under unknown', () => {
    const usage = computeGpuUsage([node('bare', 1)], []);
    expect(usage.byType).toEqual([{ product: 'unknown', capacity: 1, allocated: 0, free: 1 }]);
  });

  it('orders users by GPUs held, then by name', () => {
    const usage = computeGpuUsage(nodes, [
      pod('s-zed', 'a100-1', 1, { labels: SERVER, user: 'zed' }),
      pod('s-amy', 'a100-1', 1, { labels: SERVER, user: 'amy' }),
      pod('r-bob', 't4-1', 2, { labels: RUN, user: 'bob' }),
    ]);
    expect(usage.byUser.map((u) => u.user)).toEqual(['bob', 'amy', 'zed']);
  });
});
