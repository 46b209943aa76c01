import { Router } from 'express';
import { z } from 'zod';
import { requestContext } from '../http/context.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { metricsRegistry } from './metrics.js';
import { runReadinessChecks, type ReadinessCheck } from './readiness.js';

const readinessResultSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string().optional() });

/** Body of the operations listener's `GET /readyz` (and part of the admin status). */
export const readinessSchema = z.object({ ready: z.boolean(), checks: z.array(readinessResultSchema) });

/** `GET /healthz` on the operations listener: the process is alive. No dependencies. */
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

/**
 * `GET /readyz` on the operations listener: 200 only when every readiness
 * check passes, else 503 with the same body. The details name internal
 * addresses and upstream errors, so this is never on the public listener.
 */
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
 * `GET {prefix}readyz` on the public listener: the verdict alone (200 or
 * 503), for whoever checks the service through the hub. Which check failed
 * and why is on the operations listener and in the admin status.
 */
export function publicReadyzRoute(checks: () => readonly ReadinessCheck[]): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    summary: 'Readiness: 200 when ready, else 503',
    description:
      'No detail: admins find the checks in GET /api/v1/admin/status, operators on the operations listener.',
    tags: ['operations'],
    auth: 'none',
    response: z.object({ ready: z.boolean() }),
    alternateStatuses: [503],
    handler: async ({ res }) => {
      const { ready } = await runReadinessChecks(checks());
      res.status(ready ? 200 : 503);
      return { ready };
    },
  });
}

/**
 * `GET /metrics` on the operations listener: Prometheus text format,
 * unauthenticated, so it must only be reachable by the scraper.
 */
export function metricsRouter(): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    requestContext(req).route = '/metrics';
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  return router;
}
