import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { DestinationStream } from 'pino';
import { createApp, type HubProxyApp } from './app.js';
import { HubClient } from './auth/hub-client.js';
import { IdentityResolver } from './auth/identity-resolver.js';
import type { Config } from './config/schema.js';
import type { ExtraListener, RawRoute, RequestObserver, ShutdownHook } from './feature.js';
import type { RouteDefinition } from './http/route.js';
import { answerClientErrors, MAX_HEADER_BYTES } from './http/request-limits.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createOpsApp } from './observability/ops-app.js';
import { hubReachableCheck, notShuttingDownCheck, type ReadinessCheck } from './observability/readiness.js';
import type { StatusProvider } from './observability/status.js';

export type { ShutdownHook };

/**
 * What the assembled features add to the server (see `assemble.ts`).
 * Everything is optional; the HTTP/auth half runs without any feature.
 */
export interface HubProxyExtras {
  /** Added to the built-in "hub" and "shutdown" checks (e.g. "informers synced"). */
  readinessChecks?: ReadinessCheck[];
  /** Sections of `GET /api/v1/admin/status`, by name. */
  statusProviders?: Record<string, StatusProvider>;
  /** Run in order after the server has drained. */
  shutdownHooks?: ShutdownHook[];
  /** More API routes built with `defineRoute`. */
  routes?: RouteDefinition[];
  /** Streamed handlers mounted before the JSON body parser (the model gateway). */
  rawRoutes?: RawRoute[];
  /** More listeners (the API-key model gateway), drained with the public one. */
  listeners?: ExtraListener[];
  /** Told about every call of a declared route (the audit log). */
  requestObservers?: RequestObserver[];
  /** Use this logger instead of one built from the config. */
  logger?: Logger;
  /** Where the built logger writes (tests capture it); ignored with `logger`. */
  logDestination?: DestinationStream;
}

/** A running hub-proxy. */
export interface HubProxyHandle {
  /** `http://host:port` actually bound (useful with `listenPort: 0`). */
  readonly url: string;
  readonly server: Server;
  /** The operations listener (`/healthz`, `/readyz`, `/metrics`), `http://host:port` actually bound. */
  readonly opsUrl: string;
  readonly opsServer: Server;
  /** The extra listeners' `http://host:port`, by name. */
  readonly listenerUrls: Readonly<Record<string, string>>;
  readonly app: HubProxyApp;
  readonly logger: Logger;
  readonly resolver: IdentityResolver;
  /** Registers more checks, providers or hooks after start (e.g. once leader election begins). */
  addReadinessCheck(check: ReadinessCheck): void;
  addStatusProvider(name: string, provider: StatusProvider): void;
  addShutdownHook(hook: ShutdownHook): void;
  /**
   * Graceful stop: readiness fails, the public listener closes, idle
   * keep-alive connections close, in-flight requests finish (bounded by
   * `shutdownTimeoutMs`), the operations listener closes, then the hooks
   * run. Idempotent.
   */
  shutdown(reason?: string): Promise<void>;
}

/** Builds the dependencies from `config`, starts listening and resolves once bound. */
export async function startHubProxy(config: Config, extras: HubProxyExtras = {}): Promise<HubProxyHandle> {
  const logger =
    extras.logger ??
    createLogger({
      level: config.logLevel,
      ...(extras.logDestination ? { destination: extras.logDestination } : {}),
    });
  const hub = new HubClient({ apiUrl: config.hubApiUrl, apiToken: config.apiToken });
  const resolver = new IdentityResolver(hub, {
    ttlMs: config.scopeCacheTtlMs,
    maxEntries: config.scopeCacheMaxEntries,
  });
  let shuttingDown = false;
  const checks: ReadinessCheck[] = [
    notShuttingDownCheck(() => shuttingDown),
    hubReachableCheck(hub),
    ...(extras.readinessChecks ?? []),
  ];
  const providers: Record<string, StatusProvider> = { ...extras.statusProviders };
  const hooks: ShutdownHook[] = [...(extras.shutdownHooks ?? [])];

  const app = createApp({
    config,
    logger,
    hub,
    resolver,
    readinessChecks: () => checks,
    statusProviders: () => providers,
    ...(extras.routes ? { routes: extras.routes } : {}),
    ...(extras.rawRoutes ? { rawRoutes: extras.rawRoutes } : {}),
    ...(extras.requestObservers ? { requestObservers: extras.requestObservers } : {}),
  });
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app.app);
  answerClientErrors(server, logger);
  const opsServer = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES },
    createOpsApp({ logger, readinessChecks: () => checks }),
  );
  answerClientErrors(opsServer, logger);
  const url = await listen(server, config.listenPort, config.listenHost);
  let opsUrl: string;
  try {
    opsUrl = await listen(opsServer, config.opsListenPort, config.opsListenHost);
  } catch (err) {
    server.close();
    throw err;
  }
  const extraServers: Server[] = [];
  const listenerUrls: Record<string, string> = {};
  try {
    for (const extra of extras.listeners ?? []) {
      const extraServer = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, extra.handler);
      answerClientErrors(extraServer, logger);
      listenerUrls[extra.name] = await listen(extraServer, extra.port, extra.host);
      extraServers.push(extraServer);
    }
  } catch (err) {
    for (const open of [server, opsServer, ...extraServers]) open.close();
    throw err;
  }
  logger.info(
    { url, opsUrl, listeners: listenerUrls, prefix: config.servicePrefix, hubApiUrl: config.hubApiUrl },
    'hub-proxy listening',
  );

  let stopping: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown'): Promise<void> =>
    (stopping ??= (async () => {
      shuttingDown = true;
      logger.info({ reason }, 'shutting down: draining requests');
      await Promise.all(
        [server, ...extraServers].map((open) => drain(open, config.shutdownTimeoutMs, logger)),
      );
      // Probes keep seeing "not ready" until the public side has drained.
      await drain(opsServer, OPS_DRAIN_MS, logger);
      for (const hook of hooks) {
        try {
          await hook.run();
          logger.info({ hook: hook.name }, 'shutdown hook done');
        } catch (err) {
          logger.error({ err, hook: hook.name }, 'shutdown hook failed');
        }
      }
      logger.info('shutdown complete');
    })());

  return {
    url,
    server,
    opsUrl,
    opsServer,
    listenerUrls,
    app,
    logger,
    resolver,
    addReadinessCheck: (check) => void checks.push(check),
    addStatusProvider: (name, provider) => void (providers[name] = provider),
    addShutdownHook: (hook) => void hooks.push(hook),
    shutdown,
  };
}

/** Probes and scrapes are quick; the operations listener gets this long to finish them. */
const OPS_DRAIN_MS = 1_000;

/** Listens on `port` and `host`; resolves with the `http://host:port` actually bound. */
async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const bound = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${bound}:${address.port}`;
}

/** Stops accepting, lets in-flight requests finish, and force-closes what is left at the deadline. */
async function drain(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Keep-alive sockets that finish a request later must not hold the server open.
  const sweep = setInterval(() => server.closeIdleConnections(), 250);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
  );
  try {
    if ((await Promise.race([closed, deadline])) === 'timeout') {
      logger.warn({ timeoutMs }, 'requests still in flight at the deadline; closing them');
      server.closeAllConnections();
      await closed;
    }
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}
