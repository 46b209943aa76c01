import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from '../app.js';
import type { HubClient } from '../auth/hub-client.js';
import type { HubIdentity } from '../auth/identity.js';
import { IdentityResolver } from '../auth/identity-resolver.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger } from '../observability/logger.js';

const ACCESS = 'access:services!service=turing';

/**
 * The tokens {@link stubHub} knows: `alice-token` for a plain user, `root-token`
 * for a hub admin who also holds Turing's admin scope.
 */
export const TEST_HUB_TOKENS: Readonly<Record<string, HubIdentity>> = {
  'alice-token': { name: 'alice', kind: 'user', hubAdmin: false, scopes: [ACCESS] },
  'root-token': { name: 'root', kind: 'user', hubAdmin: true, scopes: [ACCESS, 'custom:turing:admin'] },
};

/** A hub whose `whoami` answers for {@link TEST_HUB_TOKENS}; `methods` add or replace calls. */
export function stubHub(methods: Partial<HubClient> = {}): HubClient {
  return {
    whoami: async (token: string) => TEST_HUB_TOKENS[token] ?? null,
    ...methods,
  } as unknown as HubClient;
}

/** The config a test app runs with: a hub on a closed port, an ephemeral listen port, no files; `env` adds to it. */
export function testAppConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    env: {
      TURING_HUB_API_URL: 'http://127.0.0.1:9/hub/api',
      TURING_API_TOKEN: 'unit-test-token',
      TURING_LISTEN_PORT: '0',
      ...env,
    },
    readFile: () => {
      throw new Error('no files');
    },
  });
}

/** What {@link serveTestApp} passes to `createApp`; anything left out gets a test default. */
export type TestAppDeps = Partial<AppDeps>;

const openServers = new Set<Server>();

/**
 * The real app (auth, guards, problem+json) from `createApp` on a loopback
 * server with an ephemeral port: a silent logger, {@link stubHub}, a resolver
 * that caches nothing, no readiness checks and no status providers unless
 * `deps` says otherwise. Resolves to the origin, e.g. `http://127.0.0.1:40123`;
 * close it with {@link closeTestApps}.
 */
export async function serveTestApp(deps: TestAppDeps = {}): Promise<string> {
  const hub = deps.hub ?? stubHub();
  const { app } = createApp({
    config: testAppConfig(),
    logger: createLogger({ level: 'silent' }),
    resolver: new IdentityResolver(hub, { ttlMs: 0, maxEntries: 10 }),
    readinessChecks: () => [],
    statusProviders: () => ({}),
    ...deps,
    hub,
  });
  const server = createServer(app);
  openServers.add(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes every server {@link serveTestApp} opened; for `afterEach`. */
export async function closeTestApps(): Promise<void> {
  const servers = [...openServers];
  openServers.clear();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
}
