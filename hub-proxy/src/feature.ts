import type { z } from 'zod';
import type { HubClient } from './auth/hub-client.js';
import type { ConfigSection } from './config/config-section.js';
import type { Config } from './config/schema.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Identity } from './auth/identity.js';
import type { RouteDefinition, RouteDoc } from './http/route.js';
import type { Cluster } from './k8s/cluster.js';
import type { Logger } from './observability/logger.js';
import type { ReadinessCheck } from './observability/readiness.js';
import type { StatusProvider } from './observability/status.js';

/** Runs during shutdown, after in-flight requests have finished (e.g. "stop the jobs runtime"). */
export interface ShutdownHook {
  name: string;
  run: () => Promise<void> | void;
}

/**
 * A typed key for something one feature provides to others (the catalog,
 * say), in the way JupyterLab's `Token` names a service. Features still
 * import the key only through the providing feature's `index.ts`.
 */
export class ServiceKey<T> {
  /** Phantom field: keeps `T` in the type so keys of different services don't mix. */
  declare readonly type: T;
  constructor(readonly name: string) {}
}

/**
 * A handler that takes the raw request stream (the model gateway): mounted
 * under the service prefix before the JSON body parser, behind the declared
 * authentication, and outside the OpenAPI document.
 */
export interface RawRoute {
  /** Express pattern under the service prefix, starting with `/`: `/models/:model/*rest`. */
  path: string;
  /** The guard in front of the handler: the access scope, or also the admin scope. */
  auth: 'user' | 'admin';
  handler: RequestHandler;
}

/** Another listener the feature serves (the model gateway for API-key callers). */
export interface ExtraListener {
  name: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** One finished call of a declared API route, as {@link RequestObserver}s see it. */
export interface ObservedRequest {
  /** The route that matched: its operationId, method, path pattern and auth level. */
  route: Pick<RouteDoc, 'operationId' | 'method' | 'path' | 'auth'>;
  /** The path under the host, without the query string. */
  path: string;
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, unknown>>;
  /** The parsed JSON body; undefined when none was sent or the route streams a raw body. */
  body: unknown;
  /** Bytes of a body that was not parsed as JSON (an upload), from Content-Length. */
  rawBodyBytes?: number;
  /** The caller, when authentication got that far (also on a 403). */
  identity?: Identity;
  /** Whose object the call acted on, when the handler said (`RequestContext.subjectOwner`). */
  subjectOwner?: string;
  status: number;
  /** False when the client went away before the response was complete. */
  completed: boolean;
  requestId: string;
  /** When the request arrived. */
  receivedAt: Date;
}

/**
 * Sees every call of a declared route once, after its response ended,
 * including calls the authentication refused (the audit log). Called
 * synchronously on the response's end: it must return quickly, and a throw
 * is logged, never answered.
 */
export type RequestObserver = (request: ObservedRequest) => void;

/** What a feature receives when it is created. */
export interface FeatureContext {
  /** The shared settings (listen address, hub, auth, artifacts, ...). */
  readonly config: Config;
  readonly logger: Logger;
  /** A client of the hub REST API with the service's own token. */
  readonly hub: HubClient;
  /** Present with `runtime: kubernetes`: clients, caches, the Lease and the controller manager. */
  readonly cluster: Cluster | undefined;
  /** Offers `value` to features created after this one. */
  provide<T>(key: ServiceKey<T>, value: T): void;
  /** What an earlier feature provided; throws naming the key when nothing did. */
  require<T>(key: ServiceKey<T>): T;
}

/**
 * What a feature gives the server. Every part is optional; assemble.ts
 * merges them without knowing which feature gave what. Controllers are
 * registered with the cluster's ControllerManager by the feature itself
 * (see `FeatureContext.cluster`), so they run only under the Lease.
 */
export interface FeatureParts {
  routes?: RouteDefinition[];
  /** Added to `/readyz`. */
  readinessChecks?: ReadinessCheck[];
  /** Sections of `GET /api/v1/admin/status`, by name. */
  statusProviders?: Record<string, StatusProvider>;
  /** Run at shutdown in reverse feature order, before the cluster's caches stop. */
  shutdownHooks?: ShutdownHook[];
  /** Streamed handlers outside the JSON API (see {@link RawRoute}). */
  rawRoutes?: RawRoute[];
  /** More listeners, started and drained with the public one. */
  listeners?: ExtraListener[];
  /** Told about every call of a declared route, refused ones included. */
  requestObservers?: RequestObserver[];
}

/**
 * One product feature (environments, jobs, later models and admin): its
 * config section and how to build its parts. `Shape` is the zod shape of
 * the top-level config keys it owns.
 */
export interface Feature<Shape extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  readonly config: ConfigSection<Shape>;
  /**
   * Builds the feature. Throwing stops hub-proxy from starting, with the
   * message printed (e.g. every problem of a bad catalog).
   */
  create(context: FeatureContext, settings: z.output<z.ZodObject<Shape>>): FeatureParts;
}

/** Declares a feature; only for type inference. */
export function defineFeature<Shape extends z.ZodRawShape>(feature: Feature<Shape>): Feature<Shape> {
  return feature;
}
