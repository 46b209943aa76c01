/**
 * The model gateway: proxies TF Serving REST and Open Inference Protocol
 * calls straight to a model's ready backends. It validates the path,
 * resolves the version (named, labelled, or drawn by the traffic split),
 * balances by least outstanding requests over two random choices, keeps
 * keep-alive pools per backend, retries connection failures once on
 * another backend, and records per-model, per-version metrics.
 *
 * Its own answers (problem+json):
 * - 404: unknown model, a path it does not serve, another model's name in
 *   the path, a version or label the model does not have;
 * - 405: a method the operation does not take (`Allow` lists it);
 * - 413: a body over `maxRequestBytes`, from `content-length` or while reading;
 * - 502: the backend failed (after the retry, when one was allowed);
 * - 503: the model is disabled (no `Retry-After`: its owner or an admin,
 *   whoever disabled it, must enable it), has no version yet, or no ready backend serves the version
 *   (`Retry-After: 2`);
 * - 504: no answer within `upstreamTimeoutMs`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { performance } from 'node:perf_hooks';
import {
  InternalServerError,
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  type HttpError,
} from '../../http/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { ModelDisabledBy, TrafficSplit } from '../model.js';
import { BackendRegistry } from './backend-registry.js';
import type { EndpointSource } from './endpoint-source.js';
import { Exchange, type ExchangeContext } from './exchange.js';
import { writeProblem } from './gateway-errors.js';
import { GatewayMetrics, gatewayMetricSet } from './gateway-metrics.js';
import { parseGatewayPath, upstreamPath } from './gateway-path.js';
import { NodeHttpTransport } from './node-http-transport.js';
import { RequestStats, type StatsPoint, type WindowSummary } from './request-stats.js';
import { isReadMethod } from './retry-policy.js';
import { resolveTarget } from './traffic-split.js';
import type { UpstreamTransport } from './transport.js';

/** What the gateway needs to know about a model, read on every call. */
export interface GatewayModelRoute {
  name: string;
  /** Unset until the model has a version. */
  traffic?: TrafficSplit;
  disabled: boolean;
  /** Who disabled it, for the 503's detail. */
  disabledBy?: ModelDisabledBy;
  /** Versions that exist; when given, a call naming another version is a 404 instead of a 503. */
  versions?: readonly number[];
}

/** Settings of a {@link ModelGateway}. */
export interface ModelGatewayOptions {
  /** The ready backends of each model. */
  source: EndpointSource;
  /** The model's current spec, or undefined when there is no such model. Synchronous: read on every call. */
  route(model: string): GatewayModelRoute | undefined;
  /** A call whose response has not ended by then is cut off (504 if nothing was sent yet). Default 60 s. */
  upstreamTimeoutMs?: number;
  /** Largest request body. Default 8 MiB. */
  maxRequestBytes?: number;
  /** A new connection to a backend must be up within this time. Default 2 s. */
  connectTimeoutMs?: number;
  /** A backend that refused a connection is skipped for this long. Default 2 s. */
  ejectMs?: number;
  logger: Logger;
  /** Where the metrics go; `metricsRegistry` by default. */
  registry?: Registry;
  /** Random numbers in [0, 1) for the split and the balancer; tests make them deterministic. */
  random?: () => number;
  /** Sends the bytes; node:http with keep-alive pools by default. */
  transport?: UpstreamTransport;
}

/** Sparkline data of one model. */
export interface GatewayStats {
  points: StatsPoint[];
}

const DEFAULTS = {
  upstreamTimeoutMs: 60_000,
  maxRequestBytes: 8 * 1024 * 1024,
  connectTimeoutMs: 2_000,
  ejectMs: 2_000,
};

const NO_TRAFFIC = new RequestStats();

/**
 * `none` for calls without a version, the version for one the model has
 * (or, without a version list, one of its split), `other` for the rest.
 */
function versionLabel(spec: GatewayModelRoute, version: number | undefined): string {
  if (version === undefined) return 'none';
  const known = spec.versions
    ? spec.versions.includes(version)
    : version === spec.traffic?.stable || version === spec.traffic?.canary;
  return known ? String(version) : 'other';
}

/** Proxies calls to models' serving backends. Auth is the caller's job. */
export class ModelGateway {
  private readonly ctx: ExchangeContext;
  private readonly statsByModel = new Map<string, RequestStats>();

  constructor(private readonly options: ModelGatewayOptions) {
    const transport = options.transport ?? new NodeHttpTransport();
    this.ctx = {
      backends: new BackendRegistry(options.source, (origin) => transport.release(origin)),
      transport,
      metrics: new GatewayMetrics(gatewayMetricSet(options.registry)),
      stats: (model) => {
        let stats = this.statsByModel.get(model);
        if (!stats) {
          stats = new RequestStats();
          this.statsByModel.set(model, stats);
        }
        return stats;
      },
      logger: options.logger,
      random: options.random ?? Math.random,
      upstreamTimeoutMs: options.upstreamTimeoutMs ?? DEFAULTS.upstreamTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      maxRequestBytes: options.maxRequestBytes ?? DEFAULTS.maxRequestBytes,
      ejectMs: options.ejectMs ?? DEFAULTS.ejectMs,
    };
  }

  /**
   * Proxies one call. `path` is what follows `/models/<model>`, query
   * included (`/v1/models/<model>:predict`, `/v2/models/<model>/infer`).
   * The caller has checked who may call the model, and must not have read
   * the body (mount the gateway before any body parser). Never throws.
   */
  handle(req: IncomingMessage, res: ServerResponse, model: string, path: string): void {
    try {
      this.route(req, res, model, path);
    } catch (err) {
      this.options.logger.error({ err, model }, 'model gateway failed');
      writeProblem(res, new InternalServerError());
    }
  }

  /** Request rate, p95 latency and errors of `model` over the last ten minutes, in ten-second buckets. */
  stats(model: string): GatewayStats {
    return { points: (this.statsByModel.get(model) ?? NO_TRAFFIC).points(Date.now()) };
  }

  /** Calls of `model` through this replica's gateway in about the last minute (see {@link RequestStats.summary}). */
  lastMinute(model: string): WindowSummary {
    return (this.statsByModel.get(model) ?? NO_TRAFFIC).summary(Date.now());
  }

  /** Stops following the endpoint source and closes every connection pool. */
  close(): void {
    this.ctx.backends.close();
    this.ctx.transport.close();
  }

  private route(req: IncomingMessage, res: ServerResponse, model: string, path: string): void {
    const spec = this.options.route(model);
    // Unknown models are not metered: their names would be label values a caller invents.
    if (!spec) {
      writeProblem(res, new NotFoundError(`There is no model named ${model}.`));
      return;
    }
    if ((req as { _body?: boolean })._body === true) {
      throw new Error('the request body was already parsed: mount the model gateway before body parsers');
    }
    const parsed = parseGatewayPath(path, model);
    if (!parsed.ok) {
      this.refuse(req, res, model, new NotFoundError(parsed.detail));
      return;
    }
    const method = req.method ?? 'GET';
    if (!parsed.path.methods.includes(method)) {
      this.refuse(req, res, model, new MethodNotAllowedError(parsed.path.methods));
      return;
    }
    if (spec.disabled) {
      const by = spec.disabledBy === 'admin' ? 'an admin' : 'its owner';
      this.refuse(req, res, model, new ServiceUnavailableError(`Model ${model} is disabled by ${by}.`));
      return;
    }
    const resolved = resolveTarget(parsed.path, spec, this.ctx.random);
    if (!resolved.ok) {
      const error =
        resolved.status === 404
          ? new NotFoundError(resolved.detail)
          : new ServiceUnavailableError(resolved.detail, { headers: { 'Retry-After': '5' } });
      this.refuse(req, res, model, error);
      return;
    }
    const gatewayPath = parsed.path;
    new Exchange(this.ctx, req, res, {
      model,
      target: resolved.target,
      pathFor: (version) => upstreamPath(gatewayPath, model, version),
      replayable: isReadMethod(method) || gatewayPath.inference,
      versionLabel: (version) => versionLabel(spec, version),
    }).start();
  }

  /** Answers a known model's call without a backend, and counts it. */
  private refuse(req: IncomingMessage, res: ServerResponse, model: string, error: HttpError): void {
    const started = performance.now();
    res.once('close', () => {
      const ms = performance.now() - started;
      this.ctx.metrics.observe(model, 'none', res.writableFinished ? res.statusCode : 499, ms / 1000);
      this.ctx.stats(model).record(Date.now(), ms, error.status >= 500);
    });
    // The body is not read: close the connection rather than read it to keep it alive.
    const unreadBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
    writeProblem(res, error, unreadBody || req.headers['transfer-encoding'] !== undefined);
  }
}
