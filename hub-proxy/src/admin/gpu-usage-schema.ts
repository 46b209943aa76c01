import { z } from 'zod';
import { GPU_WORKLOAD_KINDS } from './gpu-workload.js';

const count = z.number().int().min(0);
const figures = { capacity: count, allocated: count, free: count };
const kinds = { server: count, jobRun: count, modelReplica: count, other: count };

/** The body of `GET /api/v1/admin/gpu-usage`. */
export const gpuUsageSchema = z
  .object({
    available: z
      .boolean()
      .meta({ description: 'False on the local runtime (no cluster): the figures are empty.' }),
    synced: z.boolean().meta({ description: 'The node and pod caches have completed their first list.' }),
    totals: z.object(figures),
    byType: z.array(z.object({ product: z.string(), ...figures })),
    nodes: z.array(z.object({ name: z.string(), product: z.string(), ...figures })),
    byUser: z.array(z.object({ user: z.string(), ...kinds, total: count })),
    byKind: z.object(kinds),
    allocations: z.array(
      z.object({
        namespace: z.string(),
        pod: z.string(),
        node: z.string(),
        product: z.string(),
        user: z.string().optional(),
        kind: z.enum(GPU_WORKLOAD_KINDS),
        gpus: count,
      }),
    ),
  })
  .meta({
    description:
      'GPUs by node, type, user and workload kind (notebook server, job run, model replica, other), from the informer caches.',
  });

/** A GPU usage answer. */
export type GpuUsage = z.infer<typeof gpuUsageSchema>;
