import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubServer } from '../auth/hub-client.js';
import type { Identity } from '../auth/identity.js';
import { userIdentity } from '../auth/testing/identities.js';
import { requestContext } from '../http/context.js';
import { problemHandler } from '../http/problem.js';
import { requestId } from '../http/request-id.js';
import { createLogger } from '../observability/logger.js';
import { loadCatalog } from './catalog/index.js';
import { GpuQuotaService } from './gpu-quota-service.js';
import { quotaCheckRoute } from './quota-check-route.js';

const catalog = loadCatalog();

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** The check route over a hub where alice runs `servers`, quota 2 GPUs, called as `caller`. */
async function serve(caller: Identity, servers: HubServer[], jobRunGpus = 0): Promise<string> {
  const gpuQuota = new GpuQuotaService({
    catalog,
    quotas: { defaultMaxGpus: 2, users: {} },
    hub: { userServers: () => Promise.resolve(new Map(servers.map((s) => [s.name, s]))) },
  });
  gpuQuota.addHolder({ label: 'job runs', gpusHeldBy: () => Promise.resolve(jobRunGpus) });
  const { spec, handlers } = quotaCheckRoute({ gpuQuota, catalog, serviceName: 'turing' });
  const app = express();
  app.use(requestId(createLogger({ level: 'silent' })));
  app.use(express.json());
  app.use((req, _res, next) => {
    requestContext(req).identity = caller; // stands in for authenticate()
    next();
  });
  app[spec.method](spec.path, ...handlers);
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${spec.path}`;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const gpuServer = (name: string, gpus: number): HubServer => ({
  name,
  ready: true,
  pending: null,
  started: null,
  userOptions: { profile: 'tf-2.16-cuda12.3', gpus: String(gpus), gpu_type: 't4' },
});

describe('POST /api/v1/environments/quota/check', () => {
  const service = userIdentity('turing', { kind: 'service' });

  it("admits a spawn that fits beside the user's other servers and job runs, leaving out the server itself", async () => {
    // The spawning server is listed by the hub already; its own GPUs must not count.
    const url = await serve(service, [gpuServer('', 2)]);
    const res = await post(url, {
      user: 'alice',
      serverName: '',
      userOptions: { profile: 'tf-2.16-cuda12.3', gpus: '2', gpu_type: 't4' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ allowed: true, gpus: 2, maxGpus: 2, usedGpus: 0, remainingGpus: 2 });
  });

  it('refuses a spawn over the quota with 403 gpu-quota-exceeded and a message for the spawn page', async () => {
    const url = await serve(service, [gpuServer('exp', 1)], 1);
    const res = await post(url, {
      user: 'alice',
      userOptions: { profile: 'tf-2.16-cuda12.3', gpus: '1', gpu_type: 't4' },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      type: 'https://turing.dev/problems/gpu-quota-exceeded',
      detail: expect.stringMatching(
        /^GPU quota exceeded: you have 2 of 2 GPUs in use \(1 on your other servers, 1 by your job runs\), and this server needs 1 more\./,
      ),
    });
  });

  it('admits a CPU spawn without counting anything', async () => {
    const url = await serve(service, [gpuServer('a', 2)], 2);
    const res = await post(url, { user: 'alice', userOptions: { profile: 'cpu-base' } });
    expect(await res.json()).toEqual({ allowed: true, gpus: 0, maxGpus: 2 });
  });

  it('lets users check only themselves; admins and the turing service check anyone; other services none', async () => {
    const body = { user: 'alice', userOptions: { profile: 'cpu-base' } };
    for (const [caller, status] of [
      [userIdentity('alice'), 200],
      [userIdentity('bob'), 403],
      [userIdentity('root', { isAdmin: true }), 200],
      [userIdentity('ci-bot', { kind: 'service' }), 403],
      [service, 200],
    ] as const) {
      const res = await post(await serve(caller, []), body);
      expect(res.status, caller.name).toBe(status);
      server?.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
      server = undefined;
    }
  });
});
