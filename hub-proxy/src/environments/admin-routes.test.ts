import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userIdentity } from '../auth/testing/identities.js';
import { FileDocumentStore } from '../documents/index.js';
import { requestContext } from '../http/context.js';
import { problemHandler } from '../http/problem.js';
import { requestId } from '../http/request-id.js';
import { createLogger } from '../observability/logger.js';
import { environmentAdminRoutes } from './admin-routes.js';
import {
  DEFAULT_CATALOG_PATH,
  DEFAULT_COMPATIBILITY_PATH,
  loadCatalog,
  loadCompatibilityTable,
} from './catalog/index.js';
import { CatalogSource } from './catalog-source.js';

const seed = loadCatalog();
const admin = userIdentity('root', { hubAdmin: true, isAdmin: true });

let server: Server | undefined;
let dir = '';
let base = '';
let source: CatalogSource;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'admin-catalog-'));
  const store = new FileDocumentStore({
    path: join(dir, 'catalog.yaml'),
    seed: () => readFileSync(DEFAULT_CATALOG_PATH, 'utf8'),
  });
  source = new CatalogSource({
    store,
    table: loadCompatibilityTable(DEFAULT_COMPATIBILITY_PATH),
    initial: seed,
    logger: createLogger({ level: 'silent' }),
    location: 'test',
  });
  const app = express();
  app.use(requestId(createLogger({ level: 'silent' })));
  app.use(express.json());
  app.use((req, _res, next) => {
    requestContext(req).identity = admin; // stands in for authenticate() and the admin guard
    next();
  });
  for (const { spec, handlers } of environmentAdminRoutes(source)) {
    app[spec.method](spec.path, ...handlers);
  }
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/admin/environments`;
});

afterEach(async () => {
  source.stop();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function send(method: string, path: string, body?: unknown, ifMatch?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch !== undefined) headers['If-Match'] = ifMatch;
  return fetch(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const newEnvironment = () => ({
  ...structuredClone(seed.environments[0]),
  id: 'pandas-2',
  displayName: 'Pandas 2',
  default: false,
});

async function etag(): Promise<string> {
  const res = await send('GET', '');
  const value = res.headers.get('etag');
  if (!value) throw new Error('no ETag');
  return value;
}

describe('admin catalog routes', () => {
  it('lists every environment with its profile, and the version as the ETag', async () => {
    const res = await send('GET', '');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      version: string;
      items: Array<{ id: string; disabled: boolean; profile: { slug: string } }>;
      gpuTypes: Record<string, unknown>;
    };
    expect(res.headers.get('etag')).toBe(`"${body.version}"`);
    expect(body.items.map((i) => i.id)).toEqual(seed.environments.map((e) => e.id));
    expect(body.items.every((i) => !i.disabled && i.profile.slug === i.id)).toBe(true);
    expect(Object.keys(body.gpuTypes)).toEqual(Object.keys(seed.gpuTypes));
  });

  it('requires If-Match on every write (428 precondition-required)', async () => {
    for (const [method, path, body] of [
      ['POST', '', newEnvironment()],
      ['PUT', '/cpu-base', seed.environments[0]],
      ['DELETE', '/xgboost-cpu', undefined],
    ] as const) {
      const res = await send(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(428);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { type: string }).type).toMatch(/precondition-required$/);
    }
  });

  it('creates with the current ETag (201, new ETag) and refuses the old one with 409 and currentVersion', async () => {
    const before = await etag();
    const created = await send('POST', '', newEnvironment(), before);
    expect(created.status).toBe(201);
    const body = (await created.json()) as {
      version: string;
      item: { id: string; profile: { slug: string } };
    };
    expect(body.item).toMatchObject({ id: 'pandas-2', disabled: false, profile: { slug: 'pandas-2' } });
    expect(created.headers.get('etag')).toBe(`"${body.version}"`);
    expect(created.headers.get('etag')).not.toBe(before);

    const stale = await send('PUT', '/cpu-base', seed.environments[0], before);
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({
      detail: 'The catalog changed since you loaded it; reload it and apply your edit again.',
      currentVersion: body.version,
    });
  });

  it('answers 422 naming environments[<id>].<field> for an invalid entry, and 409 for a taken id', async () => {
    const invalid = await send('POST', '', { ...newEnvironment(), image: 'nope' }, await etag());
    expect(invalid.status).toBe(422);
    expect(((await invalid.json()) as { errors: unknown[] }).errors).toEqual([
      {
        field: 'environments[pandas-2].image',
        message: '"nope" must pin a tag or a digest (repo:tag or repo@sha256:...)',
      },
    ]);
    const taken = await send('POST', '', seed.environments[0], await etag());
    expect(taken.status).toBe(409);
  });

  it('disables with PUT disabled: true and deletes, 404 for an unknown id', async () => {
    const disabled = await send(
      'PUT',
      '/xgboost-cpu',
      { ...seed.environments[1], disabled: true },
      await etag(),
    );
    expect(disabled.status).toBe(200);
    expect(((await disabled.json()) as { item: { disabled: boolean } }).item.disabled).toBe(true);
    expect(source.current().environments.map((e) => e.id)).not.toContain('xgboost-cpu');

    const deleted = await send('DELETE', '/xgboost-cpu', undefined, await etag());
    expect(deleted.status).toBe(200);
    expect(Object.keys((await deleted.json()) as object)).toEqual(['version']);
    expect((await send('DELETE', '/xgboost-cpu', undefined, await etag())).status).toBe(404);
    expect((await send('DELETE', '/Not_An_Id', undefined, await etag())).status).toBe(400);
  });

  it('previews the profile of an entry without saving it, 422 when invalid', async () => {
    const before = await etag();
    const preview = await send('POST', '/preview', newEnvironment());
    expect(preview.status).toBe(200);
    expect(((await preview.json()) as { profile: { slug: string } }).profile.slug).toBe('pandas-2');
    expect(await etag()).toBe(before);
    expect((await send('POST', '/preview', { id: 'x' })).status).toBe(422);
  });
});
