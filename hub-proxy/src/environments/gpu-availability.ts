import { parseQuantity } from '../k8s/quantity.js';
/**
 * Live GPU availability: node allocatable minus the requests of the
 * non-terminated pods bound to it, grouped by GPU type. A pure calculation
 * over plain API JSON (as the informer caches hold it), so it can be tested
 * without a cluster.
 */

/** Resource quantities as the API sends them, e.g. `{ "nvidia.com/gpu": "4" }`. */
export type ResourceList = Record<string, string>;

/** The parts of a Node the calculation reads. */
export interface GpuNode {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { unschedulable?: boolean };
  status?: {
    allocatable?: ResourceList;
    conditions?: Array<{ type: string; status: string }>;
  };
}

/** The parts of a container the calculation reads. */
export interface GpuContainer {
  /** `Always` marks a native sidecar (restartable init container). */
  restartPolicy?: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
}

/** The parts of a Pod the calculation reads. */
export interface GpuPod {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    nodeName?: string;
    containers?: GpuContainer[];
    initContainers?: GpuContainer[];
    overhead?: ResourceList;
  };
  status?: { phase?: string };
}

/** Which extended resource to count and which node label names its type. */
export interface GpuAvailabilityOptions {
  /** Default `nvidia.com/gpu`. */
  resource?: string;
  /** Default `nvidia.com/gpu.product` (set by NVIDIA GPU feature discovery). */
  typeLabel?: string;
}

/** Counts for one GPU type (or for all of them in {@link GpuAvailability.total}). */
export interface GpuCounts {
  /** Schedulable, Ready nodes with at least one allocatable GPU. */
  nodes: number;
  allocatable: number;
  /** Requested by non-terminated pods bound to those nodes. */
  requested: number;
  /** Sum over the nodes of `max(0, allocatable - requested)`. */
  free: number;
  /** The most a single pod could get: the largest `free` of any one node. */
  largestFreeOnOneNode: number;
}

/** Counts for one value of the type label; nodes without the label are type `unknown`. */
export interface GpuTypeAvailability extends GpuCounts {
  type: string;
}

/** The result of {@link computeGpuAvailability}. */
export interface GpuAvailability {
  resource: string;
  /** One entry per type, sorted by type. */
  types: GpuTypeAvailability[];
  total: GpuCounts;
}

export const DEFAULT_GPU_RESOURCE = 'nvidia.com/gpu';
export const DEFAULT_GPU_TYPE_LABEL = 'nvidia.com/gpu.product';
/** The type of GPU nodes that lack the type label. */
export const UNKNOWN_GPU_TYPE = 'unknown';

/** A quantity from the API; absent or unparseable counts as 0. */
function quantityOrZero(value: string | undefined): number {
  return value === undefined ? 0 : (parseQuantity(value) ?? 0);
}

/** A container's request for `resource`; Kubernetes defaults a missing request to the limit. */
function containerRequest(container: GpuContainer, resource: string): number {
  const { requests, limits } = container.resources ?? {};
  return quantityOrZero(requests?.[resource] ?? limits?.[resource]);
}

/**
 * The pod's effective request, as the scheduler computes it: the larger of
 * the sum over app containers (plus native sidecars) and the peak during
 * init (each init container plus the sidecars started before it), plus the
 * pod overhead.
 */
export function podRequest(pod: GpuPod, resource: string = DEFAULT_GPU_RESOURCE): number {
  let containers = 0;
  for (const container of pod.spec?.containers ?? []) containers += containerRequest(container, resource);
  let sidecars = 0;
  let initPeak = 0;
  for (const init of pod.spec?.initContainers ?? []) {
    const request = containerRequest(init, resource);
    if (init.restartPolicy === 'Always') {
      containers += request;
      sidecars += request;
      initPeak = Math.max(initPeak, sidecars);
    } else {
      initPeak = Math.max(initPeak, sidecars + request);
    }
  }
  return Math.max(containers, initPeak) + quantityOrZero(pod.spec?.overhead?.[resource]);
}

/** A pod holds resources until it reaches Succeeded or Failed. */
export function isTerminated(pod: GpuPod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Not cordoned and reporting Ready=True. */
export function isSchedulableNode(node: GpuNode): boolean {
  if (node.spec?.unschedulable === true) return false;
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** A node with GPUs, as GPU accounting sees it. */
export interface GpuNodeCapacity {
  name: string;
  /** The type label's value, or {@link UNKNOWN_GPU_TYPE}. */
  type: string;
  allocatable: number;
  /** Not cordoned and Ready: its free GPUs can be used. */
  schedulable: boolean;
}

/** The node's GPU capacity; undefined for a node without a name or without allocatable GPUs. */
export function gpuNodeCapacity(
  node: GpuNode,
  options: GpuAvailabilityOptions = {},
): GpuNodeCapacity | undefined {
  const name = node.metadata?.name;
  const allocatable = quantityOrZero(node.status?.allocatable?.[options.resource ?? DEFAULT_GPU_RESOURCE]);
  if (!name || allocatable <= 0) return undefined;
  const type = node.metadata?.labels?.[options.typeLabel ?? DEFAULT_GPU_TYPE_LABEL] || UNKNOWN_GPU_TYPE;
  return { name, type, allocatable, schedulable: isSchedulableNode(node) };
}

function emptyCounts(): GpuCounts {
  return { nodes: 0, allocatable: 0, requested: 0, free: 0, largestFreeOnOneNode: 0 };
}

function addNode(counts: GpuCounts, allocatable: number, requested: number): void {
  const free = Math.max(0, allocatable - requested);
  counts.nodes += 1;
  counts.allocatable += allocatable;
  counts.requested += requested;
  counts.free += free;
  counts.largestFreeOnOneNode = Math.max(counts.largestFreeOnOneNode, free);
}

/**
 * Free GPUs per type. Only schedulable, Ready nodes with a positive
 * allocatable count; a pod counts against the node in `spec.nodeName` unless
 * it has terminated. Pods on nodes that do not count are ignored.
 */
export function computeGpuAvailability(
  nodes: Iterable<GpuNode>,
  pods: Iterable<GpuPod>,
  options: GpuAvailabilityOptions = {},
): GpuAvailability {
  const resource = options.resource ?? DEFAULT_GPU_RESOURCE;
  const typeLabel = options.typeLabel ?? DEFAULT_GPU_TYPE_LABEL;

  const allocatableByNode = new Map<string, { type: string; allocatable: number }>();
  for (const node of nodes) {
    const capacity = gpuNodeCapacity(node, { resource, typeLabel });
    if (capacity?.schedulable) allocatableByNode.set(capacity.name, capacity);
  }

  const requestedByNode = new Map<string, number>();
  for (const pod of pods) {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || !allocatableByNode.has(nodeName) || isTerminated(pod)) continue;
    const request = podRequest(pod, resource);
    if (request > 0) requestedByNode.set(nodeName, (requestedByNode.get(nodeName) ?? 0) + request);
  }

  const byType = new Map<string, GpuCounts>();
  const total = emptyCounts();
  for (const [name, { type, allocatable }] of allocatableByNode) {
    const requested = requestedByNode.get(name) ?? 0;
    let counts = byType.get(type);
    if (!counts) byType.set(type, (counts = emptyCounts()));
    addNode(counts, allocatable, requested);
    addNode(total, allocatable, requested);
  }

  const types = [...byType]
    .map(([type, counts]) => ({ type, ...counts }))
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return { resource, types, total };
}
