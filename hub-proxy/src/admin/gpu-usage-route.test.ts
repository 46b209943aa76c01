import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import type { HubClient } from '../auth/hub-client.js';
import type { HubIdentity } from '../auth/identity.js';
import { IdentityResolver } from '../auth/identity-resolver.js';
import { loadConfig } from '../config/load.js';
import type { GpuCaches } from '../environments/index.js';
import { createLogger } from '../observability/logger.js';
import { gpuUsageRoute, NO_GPU_USAGE } from './gpu-usage-route.js';

const ACCESS = 'access:services!service=turing';
const identities: Record<string, HubIdentity> = {
  'alice-token': { name: 'alice', kind: 'user', hubAdmin: false, scopes: [ACCESS] },
  'root-token': { name: 'root', kind: 'user', hubAdmin: true, scopes: [ACCESS, 'custom:turing:admin'] },
};
const hub = { whoami: async (token: string) => identities[token] ?? null } as unknown as HubClient;

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(caches: Parameters<typeof gpuUsageRoute>[0]): Promise<string> {
  const config = loadConfig({
    env: {
      TURING_HUB_API_URL: 'http://127.0.0.1:9/hub/api',
      TURING_API_TOKEN: 'unit-test-token',
      TURING_LISTEN_PORT: '0',
    },
    readFile: () => {
      throw new Error('no files');
    },
  });
  const { app } = createApp({
    config,
    logger: createLogger({ level: 'silent' }),
    hub,
    resolver: new IdentityResolver(hub, { ttlMs: 0, maxEntries: 10 }),
    readinessChecks: () => [],
    statusProviders: () => ({}),
    routes: [gpuUsageRoute(caches)],
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/turing/api/v1/admin/gpu-usage`;
}

const asRoot = { headers: { Authorization: 'token root-token' } };

/** Caches holding fixed lists, counting how often they are read. */
function fixedCaches(synced: boolean) {
  const reads = { nodes: 0, pods: 0 };
  const caches = {
    synced,
    nodes: {
      list: () => {
        reads.nodes++;
        return [
          {
            metadata: { name: 'gpu-0', labels: { 'nvidia.com/gpu.product': 'T4' } },
            status: {
              allocatable: { 'nvidia.com/gpu': '2' },
              conditions: [{ type: 'Ready', status: 'True' }],
            },
          },
        ];
      },
    },
    clusterPods: {
      list: () => {
        reads.pods++;
        return [
          {
            metadata: {
              name: 'jupyter-amy',
              namespace: 'hub',
              labels: { component: 'singleuser-server' },
              annotations: { 'hub.jupyter.org/username': 'amy' },
            },
            spec: {
              nodeName: 'gpu-0',
              containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '1' } } }],
            },
            status: { phase: 'Running' },
          },
        ];
      },
    },
  } as unknown as Pick<GpuCaches, 'nodes' | 'clusterPods' | 'synced'>;
  return { caches, reads };
}

describe('GET /api/v1/admin/gpu-usage', () => {
  it('says the local runtime has no GPU figures', async () => {
    const res = await fetch(await serve(undefined), asRoot);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(NO_GPU_USAGE);
  });

  it('computes the figures from the caches on each call and reports whether they are synced', async () => {
    const { caches, reads } = fixedCaches(false);
    const url = await serve(caches);
    const body = (await (await fetch(url, asRoot)).json()) as typeof NO_GPU_USAGE;
    expect(body).toMatchObject({
      available: true,
      synced: false,
      totals: { capacity: 2, allocated: 1, free: 1 },
      byUser: [{ user: 'amy', server: 1, total: 1 }],
    });
    await fetch(url, asRoot);
    expect(reads).toEqual({ nodes: 2, pods: 2 });
  });

  it('refuses a user without the admin scope', async () => {
    const res = await fetch(await serve(undefined), { headers: { Authorization: 'token alice-token' } });
    expect(res.status).toBe(403);
  });
});
