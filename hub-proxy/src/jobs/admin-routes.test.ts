import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../artifacts/filesystem-store.js';
import { userIdentity } from '../auth/testing/identities.js';
import { requestContext } from '../http/context.js';
import { problemHandler } from '../http/problem.js';
import { requestId } from '../http/request-id.js';
import { createLogger } from '../observability/logger.js';
import { listingInventory } from './admin-inventory.js';
import { AdminJobListing } from './admin-listing.js';
import { adminJobRoutes } from './admin-routes.js';
import { InMemoryJobRuntime } from './testing/in-memory-job-runtime.js';
import { notebookJobFixture } from './testing/notebook-job-fixture.js';

const admin = userIdentity('root', { hubAdmin: true, scopes: ['custom:turing:admin'], isAdmin: true });

describe('admin job routes', () => {
  let dir: string;
  let runtime: InMemoryJobRuntime;
  let server: Server;
  let base: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'admin-routes-'));
    runtime = new InMemoryJobRuntime();
    await runtime.start();
    const artifacts = new FilesystemArtifactStore({
      directory: dir,
      maxObjectBytes: 1 << 20,
      maxOwnerBytes: 1 << 24,
    });
    const app = express();
    app.use(requestId(createLogger({ level: 'silent' })));
    app.use((req, _res, next) => {
      requestContext(req).identity = admin; // stands in for authenticate()
      next();
    });
    const listing = new AdminJobListing({ inventory: listingInventory(runtime), artifacts });
    for (const { spec, handlers } of adminJobRoutes(listing)) app[spec.method](spec.path, ...handlers);
    app.use(problemHandler());
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('declares both listings admin-only under the admin tag', () => {
    const specs = adminJobRoutes({} as AdminJobListing).map((r) => r.spec);
    expect(specs.map((s) => [s.operationId, s.method, s.path, s.auth, s.tags])).toEqual([
      ['adminListJobs', 'get', '/api/v1/admin/jobs', 'admin', ['admin']],
      ['adminListRuns', 'get', '/api/v1/admin/runs', 'admin', ['admin']],
    ]);
  });

  it('answers pages that pass their response schemas', async () => {
    const job = await runtime.definitions.create(notebookJobFixture('alice', 'daily'));
    const run = await runtime.startRun(job, { trigger: 'manual' });

    const jobs = await fetch(`${base}/api/v1/admin/jobs?user=alice`);
    const runs = await fetch(`${base}/api/v1/admin/runs?state=running&limit=1`);

    expect(jobs.status).toBe(200);
    expect(await jobs.json()).toMatchObject({ items: [{ name: 'daily', owner: 'alice' }] });
    expect(runs.status).toBe(200);
    expect(await runs.json()).toMatchObject({
      items: [{ id: run.id, environment: 'cpu-base', links: { log: `api/v1/runs/${run.id}/log` } }],
    });
  });

  it.each([
    ['/api/v1/admin/runs?since=2030-02-01T00:00:00Z&until=2030-01-01T00:00:00Z', 'query.until'],
    ['/api/v1/admin/runs?since=yesterday', 'query.since'],
    ['/api/v1/admin/runs?state=sleeping', 'query.state'],
    ['/api/v1/admin/runs?limit=0', 'query.limit'],
    ['/api/v1/admin/runs?cursor=bogus', 'query.cursor'],
    ['/api/v1/admin/jobs?state=paused', 'query.state'],
    ['/api/v1/admin/jobs?cursor=bogus', 'query.cursor'],
  ])('answers %s with a 400 naming %s', async (path, field) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { errors: Array<{ field: string }> };
    expect(body.errors.map((e) => e.field)).toEqual([field]);
  });
});
