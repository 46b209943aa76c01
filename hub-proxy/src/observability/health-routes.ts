import { Router } from 'express';
import { z } from 'zod';
import { requestContext } from '../http/context.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { metricsRegistry } from './metrics.js';
import { runReadinessChecks, type ReadinessCheck } from './readiness.js';

const readinessResultSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string().optional() });

/** Body of `GET /readyz` (and part of the admin status). */
export const readinessSchema = z.object({ ready: z.boolean(), checks: z.array(readinessResultSchema) });

/** `GET {prefix}healthz`: the process is alive. No auth, no dependencies. */
export function healthzRoute(): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    summary: 'Liveness: the process is up',
    tags: ['operations'],
    auth: 'none',
    response: z.object({ status: z.literal('ok') }),
    handler: () => ({ status: 'ok' as const }),
  });
}

/** `GET {prefix}readyz`: 200 only when every readiness check passes, else 503 with the same body. */
export function readyzRoute(checks: () => readonly ReadinessCheck[]): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    summary: 'Readiness: every registered check passes',
    tags: ['operations'],
    auth: 'none',
    response: readinessSchema,
    alternateStatuses: [503],
    handler: async ({ res }) => {
      const report = await runReadinessChecks(checks());
      res.status(report.ready ? 200 : 503);
      return report;
    },
  });
}

/**
 * `GET {prefix}metrics`: Prometheus text format. Unauthenticated; reachable
 * wherever the listen address is (keep that address cluster-internal).
 */
export function metricsRouter(servicePrefix: string): Router {
  const router = Router();
  router.get(`${servicePrefix}metrics`, async (req, res) => {
    requestContext(req).route = '/metrics';
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  return router;
}
