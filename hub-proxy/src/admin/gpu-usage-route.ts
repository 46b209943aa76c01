import type { GpuCaches } from '../environments/index.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { computeGpuUsage } from './gpu-usage.js';
import { gpuUsageSchema, type GpuUsage } from './gpu-usage-schema.js';

/** What the local runtime answers: no cluster, so nothing to count. */
export const NO_GPU_USAGE: GpuUsage = {
  available: false,
  synced: true,
  totals: { capacity: 0, allocated: 0, free: 0 },
  byType: [],
  nodes: [],
  byUser: [],
  byKind: { server: 0, jobRun: 0, modelReplica: 0, other: 0 },
  allocations: [],
};

/**
 * `GET {prefix}api/v1/admin/gpu-usage`: computed from the node and pod
 * caches on each call, so a page view costs no apiserver request.
 */
export function gpuUsageRoute(
  caches: Pick<GpuCaches, 'nodes' | 'clusterPods' | 'synced'> | undefined,
): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: '/api/v1/admin/gpu-usage',
    operationId: 'adminGetGpuUsage',
    summary: 'GPUs by node, type, user and workload kind',
    tags: ['admin'],
    auth: 'admin',
    response: gpuUsageSchema,
    handler: (): GpuUsage =>
      caches
        ? {
            available: true,
            synced: caches.synced,
            ...computeGpuUsage(caches.nodes.list(), caches.clusterPods.list()),
          }
        : NO_GPU_USAGE,
  });
}
