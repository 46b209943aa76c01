import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { runReadinessChecks, type ReadinessCheck } from './readiness.js';
import { collectStatus, processInfo, type StatusProvider } from './status.js';
import { readinessSchema } from './health-routes.js';

const adminStatusSchema = z.object({
  process: z.object({
    pid: z.number().int(),
    nodeVersion: z.string(),
    uptimeSeconds: z.number(),
    startedAt: z.string(),
    memory: z.object({ rssBytes: z.number(), heapUsedBytes: z.number() }),
  }),
  readiness: readinessSchema,
  status: z
    .record(z.string(), z.unknown())
    .meta({ description: 'One entry per registered status provider.' }),
});

/** `GET {prefix}api/v1/admin/status`: process facts, readiness and every registered status provider. */
export function adminStatusRoute(
  checks: () => readonly ReadinessCheck[],
  providers: () => Record<string, StatusProvider>,
): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: '/api/v1/admin/status',
    operationId: 'getAdminStatus',
    summary: 'Process, readiness and subsystem status (admins)',
    tags: ['admin'],
    auth: 'admin',
    response: adminStatusSchema,
    handler: async () => ({
      process: processInfo(),
      readiness: await runReadinessChecks(checks()),
      status: await collectStatus(providers()),
    }),
  });
}
