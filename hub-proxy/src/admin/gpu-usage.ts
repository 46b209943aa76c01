import { gpuNodeCapacity, isTerminated, podRequest, type GpuNode } from '../environments/index.js';
import { classifyGpuWorkload, type GpuWorkloadKind, type WorkloadPod } from './gpu-workload.js';

/** Capacity, what pods hold, and what is free (0 on cordoned or NotReady nodes). */
export interface GpuFigures {
  capacity: number;
  allocated: number;
  free: number;
}

/** One GPU node. */
export interface GpuNodeUsage extends GpuFigures {
  name: string;
  product: string;
}

/** One GPU type (`nvidia.com/gpu.product`). */
export interface GpuTypeUsage extends GpuFigures {
  product: string;
}

/** GPUs per workload kind. */
export type GpuKindCounts = Record<GpuWorkloadKind, number>;

/** One user's GPUs, by workload kind. */
export interface GpuUserUsage extends GpuKindCounts {
  user: string;
  total: number;
}

/** One pod holding GPUs. */
export interface GpuAllocation {
  namespace: string;
  pod: string;
  node: string;
  product: string;
  user?: string;
  kind: GpuWorkloadKind;
  gpus: number;
}

/** The figures of the admin GPU usage page. */
export interface GpuUsageFigures {
  totals: GpuFigures;
  byType: GpuTypeUsage[];
  nodes: GpuNodeUsage[];
  byUser: GpuUserUsage[];
  byKind: GpuKindCounts;
  allocations: GpuAllocation[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function emptyKinds(): GpuKindCounts {
  return { server: 0, jobRun: 0, modelReplica: 0, other: 0 };
}

function addFigures(into: GpuFigures, from: GpuFigures): void {
  into.capacity += from.capacity;
  into.allocated += from.allocated;
  into.free += from.free;
}

/**
 * GPU usage from plain node and pod objects (the informer caches' contents):
 * every node with allocatable GPUs, and every non-terminated pod bound to one
 * that requests GPUs (counted as the scheduler counts them, see `podRequest`),
 * classified by workload kind and user. Pods not yet bound, or bound to a node
 * without GPUs, hold none. Pure, so it is tested without a cluster.
 */
export function computeGpuUsage(nodes: Iterable<GpuNode>, pods: Iterable<WorkloadPod>): GpuUsageFigures {
  const gpuNodes = new Map<string, GpuNodeUsage & { schedulable: boolean }>();
  for (const node of nodes) {
    const capacity = gpuNodeCapacity(node);
    if (!capacity) continue;
    gpuNodes.set(capacity.name, {
      name: capacity.name,
      product: capacity.type,
      capacity: capacity.allocatable,
      allocated: 0,
      free: 0,
      schedulable: capacity.schedulable,
    });
  }

  const allocations: GpuAllocation[] = [];
  for (const pod of pods) {
    const node = gpuNodes.get(pod.spec?.nodeName ?? '');
    if (!node || isTerminated(pod)) continue;
    const gpus = podRequest(pod);
    if (gpus <= 0) continue;
    node.allocated += gpus;
    const { kind, user } = classifyGpuWorkload(pod);
    allocations.push({
      namespace: pod.metadata?.namespace ?? '',
      pod: pod.metadata?.name ?? '',
      node: node.name,
      product: node.product,
      ...(user === undefined ? {} : { user }),
      kind,
      gpus,
    });
  }

  const totals: GpuFigures = { capacity: 0, allocated: 0, free: 0 };
  const types = new Map<string, GpuTypeUsage>();
  const nodeList: GpuNodeUsage[] = [];
  for (const { schedulable, ...node } of [...gpuNodes.values()].sort((a, b) => byText(a.name, b.name))) {
    node.free = schedulable ? Math.max(0, node.capacity - node.allocated) : 0;
    nodeList.push(node);
    addFigures(totals, node);
    let type = types.get(node.product);
    if (!type)
      types.set(node.product, (type = { product: node.product, capacity: 0, allocated: 0, free: 0 }));
    addFigures(type, node);
  }

  const byKind = emptyKinds();
  const users = new Map<string, GpuUserUsage>();
  for (const allocation of allocations) {
    byKind[allocation.kind] += allocation.gpus;
    if (allocation.user === undefined) continue;
    let user = users.get(allocation.user);
    if (!user) users.set(allocation.user, (user = { user: allocation.user, ...emptyKinds(), total: 0 }));
    user[allocation.kind] += allocation.gpus;
    user.total += allocation.gpus;
  }

  allocations.sort(
    (a, b) =>
      byText(a.product, b.product) ||
      byText(a.node, b.node) ||
      byText(a.namespace, b.namespace) ||
      byText(a.pod, b.pod),
  );
  return {
    totals,
    byType: [...types.values()].sort((a, b) => byText(a.product, b.product)),
    nodes: nodeList,
    // Biggest users first; ties by name so the order is stable between refreshes.
    byUser: [...users.values()].sort((a, b) => b.total - a.total || byText(a.user, b.user)),
    byKind,
    allocations,
  };
}
