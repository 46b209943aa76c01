import express, { type Express, type RequestHandler } from 'express';
import { authenticate, type AuthSettings } from './auth/authenticate.js';
import type { HubClient } from './auth/hub-client.js';
import type { IdentityResolver } from './auth/identity-resolver.js';
import { oauthRouter } from './auth/oauth.js';
import type { Config } from './config/schema.js';
import { requestContext } from './http/context.js';
import { buildOpenApi } from './http/openapi.js';
import { notFound, problemHandler } from './http/problem.js';
import { requestId } from './http/request-id.js';
import { declaredPaths, methodNotAllowed } from './http/method-not-allowed.js';
import { limitUrlLength } from './http/request-limits.js';
import { attachSsePolicy, SsePolicy } from './http/sse-policy.js';
import type { RouteDefinition } from './http/route.js';
import type { Logger } from './observability/logger.js';
import { requestLog } from './observability/request-log.js';
import { adminStatusRoute } from './observability/admin-status-route.js';
import { publicReadyzRoute } from './observability/health-routes.js';
import { meRoute } from './auth/me-route.js';
import { openApiRoute } from './http/openapi-route.js';
import type { ReadinessCheck } from './observability/readiness.js';
import type { RawRoute } from './feature.js';
import type { StatusProvider } from './observability/status.js';

/** Everything {@link createApp} needs; built by `startHubProxy` (or a test). */
export interface AppDeps {
  config: Config;
  logger: Logger;
  hub: HubClient;
  resolver: IdentityResolver;
  /** Read on every request, so checks registered after start count. */
  readinessChecks: () => readonly ReadinessCheck[];
  statusProviders: () => Record<string, StatusProvider>;
  /** More API routes (e.g. the k8s-backed ones); they get auth, validation and OpenAPI like the built-ins. */
  routes?: readonly RouteDefinition[];
  /** Streamed handlers mounted before the JSON body parser, behind their authentication. */
  rawRoutes?: readonly RawRoute[];
  /** Version reported in the OpenAPI document. */
  version?: string;
}

/** The express app plus what it was built from. */
export interface HubProxyApp {
  app: Express;
  routes: readonly RouteDefinition[];
  /** The OpenAPI 3.1 document served at `{prefix}api/openapi.json`. */
  openApi: () => Record<string, unknown>;
}

/**
 * Builds the public express app: request ids, a URL length limit (414),
 * logging and metrics, the JSON body parser (limit -> 413), OAuth login, the
 * routes (each authenticated at its declared level), 405 with `Allow` for
 * an undeclared method on a known path and 404 for unknown API paths (both
 * *after* authentication under `api/`), and the one problem+json error
 * middleware. `/healthz`, the detailed `/readyz` and `/metrics` are on the
 * operations listener instead (`observability/ops-app.ts`).
 */
export function createApp(deps: AppDeps): HubProxyApp {
  const { config } = deps;
  const prefix = config.servicePrefix;
  const settings: AuthSettings = {
    servicePrefix: prefix,
    cookieName: config.cookieName,
    accessScope: config.accessScope,
    adminScope: config.adminScope,
  };
  const guards: Record<'user' | 'admin', RequestHandler> = {
    user: authenticate('user', settings, deps.resolver),
    admin: authenticate('admin', settings, deps.resolver),
  };

  let openApiDocument: Record<string, unknown> | undefined;
  const openApi = () =>
    (openApiDocument ??= buildOpenApi(routes, {
      title: 'Turing API',
      version: deps.version ?? '0.1.0',
      description: 'Turing: an algorithm platform for JupyterHub on Kubernetes.',
      serverUrl: prefix.replace(/\/$/, ''),
      cookieName: config.cookieName,
    }));
  const routes: RouteDefinition[] = [
    publicReadyzRoute(deps.readinessChecks),
    openApiRoute(openApi),
    meRoute(),
    adminStatusRoute(deps.readinessChecks, deps.statusProviders),
    ...(deps.routes ?? []),
  ];

  const app = express();
  app.disable('x-powered-by');
  // req.secure (and so the cookies' Secure flag) believes X-Forwarded-Proto only from these peers.
  app.set('trust proxy', config.trustProxy);
  app.use(requestId(deps.logger));
  app.use(limitUrlLength());
  app.use(
    attachSsePolicy(
      new SsePolicy({
        heartbeatMs: config.sseHeartbeatSeconds * 1000,
        maxConnectionsPerUser: config.sseMaxConnectionsPerUser,
      }),
    ),
  );
  app.use(requestLog());
  for (const raw of deps.rawRoutes ?? []) {
    const label: RequestHandler = (req, _res, next) => {
      requestContext(req).route = raw.path;
      next();
    };
    app.all(`${prefix}${raw.path.slice(1)}`, label, guards[raw.auth], raw.handler);
  }
  app.use(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  app.use(oauthRouter(config, deps.hub));

  for (const route of routes) {
    const { spec } = route;
    const pattern = spec.path;
    const label: RequestHandler = (req, _res, next) => {
      requestContext(req).route = pattern;
      next();
    };
    const guard = spec.auth === 'none' ? [] : [guards[spec.auth]];
    app[spec.method](`${prefix}${pattern.slice(1)}`, label, ...guard, ...route.handlers);
  }
  // Unknown API paths and methods are only revealed to authenticated callers (and writes still need CSRF).
  for (const declared of declaredPaths(routes)) {
    const label: RequestHandler = (req, _res, next) => {
      requestContext(req).route = declared.path;
      next();
    };
    const guard = declared.public || !declared.path.startsWith('/api/') ? [] : [guards.user];
    app.all(`${prefix}${declared.path.slice(1)}`, label, ...guard, methodNotAllowed(declared.methods));
  }
  app.use(`${prefix}api`, guards.user, notFound());
  app.use(notFound());
  app.use(problemHandler());

  return { app, routes, openApi };
}
