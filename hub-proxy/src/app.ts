import express, { type Express, type RequestHandler } from 'express';
import { authenticate, type AuthSettings } from './auth/authenticate.js';
import type { HubClient } from './auth/hub-client.js';
import type { IdentityResolver } from './auth/identity-resolver.js';
import { oauthRouter } from './auth/oauth.js';
import type { Config } from './config/schema.js';
import { maybeRequestContext, requestContext } from './http/context.js';
import { buildOpenApi } from './http/openapi.js';
import { notFound, problemHandler } from './http/problem.js';
import { requestId } from './http/request-id.js';
import { declaredPaths, methodNotAllowed } from './http/method-not-allowed.js';
import { limitUrlLength } from './http/request-limits.js';
import { attachSsePolicy, SsePolicy } from './http/sse-policy.js';
import type { RouteDefinition, RouteDoc } from './http/route.js';
import type { Logger } from './observability/logger.js';
import { requestLog } from './observability/request-log.js';
import { adminStatusRoute } from './observability/admin-status-route.js';
import { publicReadyzRoute } from './observability/health-routes.js';
import { meRoute } from './auth/me-route.js';
import { openApiRoute } from './http/openapi-route.js';
import type { ReadinessCheck } from './observability/readiness.js';
import type { ObservedRequest, RawRoute, RequestObserver } from './feature.js';
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
  /** Told about every call of a declared route once its response ends, refused calls included. */
  requestObservers?: readonly RequestObserver[];
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

  const observers = deps.requestObservers ?? [];
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
    // Before the guard, so calls it refuses are seen too.
    const observe = observers.length > 0 ? [observeRequest(spec, observers, deps.logger)] : [];
    app[spec.method](`${prefix}${pattern.slice(1)}`, label, ...observe, ...guard, ...route.handlers);
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

/**
 * Tells `observers` about the request once its response has ended (or the
 * client went away). Params, query and body are taken now, as this route
 * matched them; the identity later, as authentication set it.
 */
function observeRequest(
  spec: RouteDoc,
  observers: readonly RequestObserver[],
  logger: Logger,
): RequestHandler {
  const route = { operationId: spec.operationId, method: spec.method, path: spec.path, auth: spec.auth };
  return (req, res, next) => {
    const receivedAt = new Date();
    const params = { ...req.params } as Record<string, string>;
    const query = { ...(req.query as Record<string, unknown>) };
    const body: unknown = req.body;
    const length = Number(req.get('Content-Length'));
    const rawBodyBytes = body === undefined && length > 0 ? length : undefined;
    let told = false;
    const tell = () => {
      if (told) return;
      told = true;
      const ctx = maybeRequestContext(req);
      const observed: ObservedRequest = {
        route,
        path: req.originalUrl.split('?')[0] ?? '',
        params,
        query,
        body,
        ...(rawBodyBytes === undefined ? {} : { rawBodyBytes }),
        ...(ctx?.identity ? { identity: ctx.identity } : {}),
        ...(ctx?.subjectOwner ? { subjectOwner: ctx.subjectOwner } : {}),
        status: res.statusCode,
        completed: res.writableFinished,
        requestId: ctx?.requestId ?? '',
        receivedAt,
      };
      for (const observer of observers) {
        try {
          observer(observed);
        } catch (err) {
          (ctx?.log ?? logger).error({ err, route: spec.operationId }, 'request observer failed');
        }
      }
    };
    res.once('finish', tell);
    res.once('close', tell);
    next();
  };
}
