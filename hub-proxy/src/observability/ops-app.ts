import express, { type Express } from 'express';
import { notFound, problemHandler } from '../http/problem.js';
import { limitUrlLength } from '../http/request-limits.js';
import { requestId } from '../http/request-id.js';
import { healthzRoute, metricsRouter, readyzRoute } from './health-routes.js';
import type { Logger } from './logger.js';
import type { ReadinessCheck } from './readiness.js';

/** What the operations app needs. */
export interface OpsAppDeps {
  logger: Logger;
  /** Read on every request, so checks registered after start count. */
  readinessChecks: () => readonly ReadinessCheck[];
}

/**
 * The operations listener's app: `/healthz`, `/readyz` with every check's
 * detail, and `/metrics`, at the root and without authentication. It runs on
 * its own address (`opsListenHost:opsListenPort`), which the hub's proxy
 * does not route to, for the kubelet's probes and the Prometheus scraper.
 * Its requests are neither logged nor measured: probes would drown the rest.
 */
export function createOpsApp(deps: OpsAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestId(deps.logger));
  app.use(limitUrlLength());
  for (const { spec, handlers } of [healthzRoute(), readyzRoute(deps.readinessChecks)]) {
    app[spec.method](spec.path, ...handlers);
  }
  app.use(metricsRouter());
  app.use(notFound());
  app.use(problemHandler());
  return app;
}
