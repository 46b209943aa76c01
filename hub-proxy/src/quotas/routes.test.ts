import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../auth/identity.js';
import { admin, alice } from '../auth/testing/identities.js';
import { requestContext } from '../http/context.js';
import { problemHandler } from '../http/problem.js';
import { requestId } from '../http/request-id.js';
import { createLogger } from '../observability/logger.js';
import type { QuotasDocument } from './limits.js';
import { QuotaPolicy } from './quota-policy.js';
import { quotasText } from './quotas-document.js';
import { quotaRoutes } from './routes.js';
import { InMemoryDocumentStore } from './testing/in-memory-document-store.js';

const seed: QuotasDocument = {
  defaults: { gpus: 2, concurrentRuns: 10, scheduledJobs: 50, modelReplicas: 8, artifactBytes: 1024 },
  groups: {},
  users: {},
};

let server: Server | undefined;
let base = '';
let caller: Identity = admin;
let policy: QuotaPolicy;

beforeEach(async () => {
  caller = admin;
  policy = new QuotaPolicy({
    store: new InMemoryDocumentStore(() => quotasText(seed)),
    groups: (user) => Promise.resolve(user === 'alice' ? ['research'] : []),
    fallback: seed,
    logger: createLogger({ level: 'silent' }),
  });
  policy.registerUsage('concurrentRuns', (user) => Promise.resolve(user === 'alice' ? 3 : 0));
  const app = express();
  app.use(requestId(createLogger({ level: 'silent' })));
  app.use(express.json());
  app.use((req, _res, next) => {
    requestContext(req).identity = caller; // stands in for authenticate() and the admin guard
    next();
  });
  for (const { spec, handlers } of quotaRoutes(policy)) app[spec.method](spec.path, ...handlers);
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

const put = (body: unknown, ifMatch?: string) =>
  fetch(`${base}/admin/quotas`, {
    method: 'PUT',
    headers: {
      'Content-Type': 'application/json',
      ...(ifMatch === undefined ? {} : { 'If-Match': ifMatch }),
    },
    body: JSON.stringify(body),
  });

describe('the quotas API', () => {
  it('reads the document with its version as the ETag, and replaces it with that ETag in If-Match', async () => {
    const read = await fetch(`${base}/admin/quotas`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(await read.json()).toEqual({ version: '1', ...seed });

    const edited = { ...seed, groups: { research: { concurrentRuns: 20 } }, users: { alice: { gpus: 0 } } };
    const written = await put(edited, '"1"');
    expect(written.status).toBe(200);
    expect(written.headers.get('etag')).toBe('"2"');
    expect(await written.json()).toEqual({ version: '2', ...edited });
    // A bare version is accepted too.
    expect((await put(seed, '2')).status).toBe(200);
  });

  it('answers 428 without If-Match, 409 with currentVersion on a stale one, and 400 for * or a list', async () => {
    const missing = await put(seed);
    expect(missing.status).toBe(428);
    expect(await missing.json()).toMatchObject({ type: 'https://turing.dev/problems/precondition-required' });
    expect((await put(seed, '"1"')).status).toBe(200);
    const stale = await put(seed, '"1"');
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({
      currentVersion: '2',
      detail: 'The quotas changed since you loaded them; reload them and apply your edit again.',
    });
    for (const header of ['*', '"1", "2"', 'W/"2"']) {
      const res = await put(seed, header);
      expect(res.status, header).toBe(400);
      expect(await res.json()).toMatchObject({ errors: [{ field: 'header.If-Match' }] });
    }
  });

  it('answers 422 naming each bad field, and 400 for a body that is not an object', async () => {
    const res = await put({ ...seed, users: { alice: { gpus: -1, cpus: 2 } } }, '"1"');
    expect(res.status).toBe(422);
    expect((await res.json()) as unknown).toMatchObject({
      errors: [
        { field: 'users.alice.gpus', message: 'must be ≥ 0' },
        { field: 'users.alice.cpus', message: 'unknown field' },
      ],
    });
    expect((await put([1, 2], '"1"')).status).toBe(400);
  });

  it("shows one user's limits, use and where each limit comes from", async () => {
    await put(
      { ...seed, groups: { research: { concurrentRuns: 20 } }, users: { alice: { gpus: 1 } } },
      '"1"',
    );
    const res = await fetch(`${base}/admin/quotas/usage?user=alice`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      user: 'alice',
      groups: ['research'],
      limits: { gpus: 1, concurrentRuns: 20, scheduledJobs: 50, modelReplicas: 8, artifactBytes: 1024 },
      used: { gpus: 0, concurrentRuns: 3, scheduledJobs: 0, modelReplicas: 0, artifactBytes: 0 },
      sources: {
        gpus: 'user',
        concurrentRuns: 'group:research',
        scheduledJobs: 'default',
        modelReplicas: 'default',
        artifactBytes: 'default',
      },
    });
    expect((await fetch(`${base}/admin/quotas/usage`)).status).toBe(400);
  });

  it('shows users their own limits and use', async () => {
    caller = alice;
    const res = await fetch(`${base}/me/quotas`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ limits: { concurrentRuns: 10 }, used: { concurrentRuns: 3 } });
  });
});
