import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { trimPod, type InformerCache } from '../k8s/index.js';
import type { Cluster } from '../k8s/cluster.js';
import { computeGpuAvailability, type GpuAvailability } from './gpu-availability.js';

/** The caches GPU accounting reads, and the figure computed from them. */
export interface GpuCaches {
  /** Every node of the cluster (needs cluster-wide list/watch on nodes). */
  readonly nodes: InformerCache<V1Node>;
  /** Every pod in every namespace (needs cluster-wide list/watch on pods), trimmed by `trimPod`. */
  readonly clusterPods: InformerCache<V1Pod>;
  readonly synced: boolean;
  /** Free `nvidia.com/gpu` per `nvidia.com/gpu.product`, computed on each call. */
  availability(): GpuAvailability;
}

/**
 * Watches nodes and every pod through the cluster's caches. GPUs are shared,
 * so other namespaces' pods consume them too; the cache takes no field
 * selector, so terminated pods are cached as well (and ignored in the sums),
 * but only as a compact record: `trimPod` keeps of each pod what GPU
 * accounting reads, so thousands of run pods cost little memory.
 */
export function watchGpuCapacity(cluster: Pick<Cluster, 'watch' | 'clients'>): GpuCaches {
  const { core } = cluster.clients;
  const nodes = cluster.watch<V1Node>('nodes', {
    resource: { version: 'v1', plural: 'nodes' },
    list: (page) => core.listNode(page),
  });
  const clusterPods = cluster.watch<V1Pod>('cluster-pods', {
    resource: { version: 'v1', plural: 'pods' },
    trim: trimPod,
    list: (page) => core.listPodForAllNamespaces(page),
  });
  return {
    nodes,
    clusterPods,
    get synced() {
      return nodes.synced && clusterPods.synced;
    },
    availability: () => computeGpuAvailability(nodes.list(), clusterPods.list()),
  };
}
