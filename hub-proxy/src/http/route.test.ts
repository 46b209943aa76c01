import { connect, type AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../observability/logger.js';
import { buildOpenApi } from './openapi.js';
import { paginateArray, pageSchema, paginationQuerySchema } from './pagination.js';
import { problemHandler } from './problem.js';
import { requestId } from './request-id.js';
import { defineRoute, type RouteDefinition } from './route.js';

const createThing = defineRoute({
  method: 'post',
  path: '/api/v1/things/:group',
  operationId: 'createThing',
  summary: 'Create a thing',
  tags: ['things'],
  auth: 'none',
  params: z.object({ group: z.string().regex(/^[a-z]+$/) }),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
  body: z.strictObject({ name: z.string().min(1), replicas: z.object({ min: z.number().int().min(0) }) }),
  response: z.object({ id: z.string(), replicas: z.number() }),
  status: 201,
  handler: ({ params, body }) => ({ id: `${params.group}/${body.name}`, replicas: body.replicas.min }),
});

const listThings = defineRoute({
  method: 'get',
  path: '/api/v1/things',
  operationId: 'listThings',
  summary: 'List things',
  tags: ['things'],
  auth: 'user',
  query: paginationQuerySchema,
  response: pageSchema(z.object({ n: z.number() })),
  handler: ({ query }) =>
    paginateArray(
      [1, 2, 3, 4, 5].map((n) => ({ n })),
      query,
    ),
});

const broken = defineRoute({
  method: 'get',
  path: '/broken',
  operationId: 'broken',
  summary: 'Returns the wrong shape',
  tags: [],
  auth: 'none',
  response: z.object({ ok: z.boolean() }),
  handler: () => ({ ok: 'yes' }) as unknown as { ok: boolean },
});

const runThing = defineRoute({
  method: 'post',
  path: '/api/v1/things/:group/runs',
  operationId: 'runThing',
  summary: 'Run a thing now',
  tags: ['things'],
  auth: 'none',
  params: z.object({ group: z.string().regex(/^[a-z]+$/) }),
  body: z.strictObject({ speed: z.number().optional() }),
  bodyOptional: true,
  response: z.object({ group: z.string(), speed: z.number().nullable() }),
  status: 201,
  handler: ({ params, body }) => ({ group: params.group, speed: body.speed ?? null }),
});

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(routes: RouteDefinition[]): Promise<string> {
  const app = express();
  app.use(requestId(createLogger({ level: 'silent' })));
  app.use(express.json());
  for (const { spec, handlers } of routes) app[spec.method](spec.path, ...handlers);
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Sends `head` (request line and headers) as-is and returns the raw response text. */
function rawRequest(url: string, head: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${head}\r\n`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

describe('defineRoute', () => {
  it('passes validated input to the handler and answers with the declared status', async () => {
    const url = await serve([createThing]);
    const res = await fetch(`${url}/api/v1/things/blue`, json({ name: 'a', replicas: { min: 2 } }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: 'blue/a', replicas: 2 });
  });

  it('lists every invalid field of params, query and body with its location', async () => {
    const url = await serve([createThing]);
    const res = await fetch(
      `${url}/api/v1/things/BLUE?dryRun=maybe`,
      json({ name: '', replicas: { min: -1 }, extra: true }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ field: string }> };
    expect(body.errors.map((e) => e.field).sort()).toEqual([
      'body.extra',
      'body.name',
      'body.replicas.min',
      'params.group',
      'query.dryRun',
    ]);
  });

  it('refuses a non-JSON body with 415', async () => {
    const url = await serve([createThing]);
    const res = await fetch(`${url}/api/v1/things/blue`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'name=a',
    });
    expect(res.status).toBe(415);
  });

  it('accepts an optional body sent empty without a Content-Type, as `curl -X POST` sends it', async () => {
    const url = await serve([runThing]);
    const text = await rawRequest(
      url,
      'POST /api/v1/things/blue/runs HTTP/1.1\r\nHost: test\r\nConnection: close\r\n',
    );
    expect(text).toMatch(/^HTTP\/1\.1 201 /);
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe('{"group":"blue","speed":null}');
    const fetched = await fetch(`${url}/api/v1/things/blue/runs`, { method: 'POST' });
    expect(fetched.status).toBe(201);
    expect(await fetched.json()).toEqual({ group: 'blue', speed: null });
  });

  it('still validates an optional body when one is sent, and refuses a non-JSON one with 415', async () => {
    const url = await serve([runThing]);
    const ok = await fetch(`${url}/api/v1/things/blue/runs`, json({ speed: 2 }));
    expect(await ok.json()).toEqual({ group: 'blue', speed: 2 });
    const bad = await fetch(`${url}/api/v1/things/blue/runs`, json({ speed: 'fast' }));
    expect(bad.status).toBe(400);
    const text = await fetch(`${url}/api/v1/things/blue/runs`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'speed=2',
    });
    expect(text.status).toBe(415);
    const untyped = await rawRequest(
      url,
      'POST /api/v1/things/blue/runs HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: 7\r\n\r\nspeed=2',
    );
    expect(untyped).toMatch(/^HTTP\/1\.1 415 /);
  });

  it('keeps refusing an empty body where the body is required', async () => {
    const url = await serve([createThing]);
    expect((await fetch(`${url}/api/v1/things/blue`, { method: 'POST' })).status).toBe(415);
  });

  it('answers 500 when a handler breaks its own response schema', async () => {
    const url = await serve([broken]);
    expect((await fetch(`${url}/broken`)).status).toBe(500);
  });
});

describe('pagination', () => {
  it('pages with an opaque cursor until the list is exhausted', async () => {
    const url = await serve([listThings]);
    const seen: number[] = [];
    let next: string | undefined = `${url}/api/v1/things?limit=2`;
    let pages = 0;
    while (next) {
      const page = (await (await fetch(next)).json()) as { items: Array<{ n: number }>; continue?: string };
      seen.push(...page.items.map((i) => i.n));
      pages++;
      next = page.continue
        ? `${url}/api/v1/things?limit=2&continue=${encodeURIComponent(page.continue)}`
        : undefined;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(pages).toBe(3);
  });

  it('rejects a forged cursor and an out-of-range limit as field errors', async () => {
    const url = await serve([listThings]);
    const bad = (await (await fetch(`${url}/api/v1/things?continue=garbage`)).json()) as { errors: unknown };
    expect(bad.errors).toEqual([{ field: 'query.continue', message: 'invalid or expired cursor' }]);
    const big = (await (await fetch(`${url}/api/v1/things?limit=100000`)).json()) as {
      errors: Array<{ field: string }>;
    };
    expect(big.errors[0]?.field).toBe('query.limit');
  });
});

describe('buildOpenApi', () => {
  const doc = buildOpenApi([createThing, listThings], {
    title: 'T',
    version: '1',
    serverUrl: '/services/turing',
    cookieName: 'turing-auth',
  }) as {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, Record<string, unknown>> };
  };

  it('emits OpenAPI 3.1 with one operation per route, using {param} paths', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/things', '/api/v1/things/{group}']);
    expect(doc.paths['/api/v1/things/{group}']?.post?.operationId).toBe('createThing');
  });

  it('documents parameters, the request body and responses from the same zod schemas', () => {
    const op = doc.paths['/api/v1/things/{group}']?.post as {
      parameters: Array<{ name: string; in: string; required: boolean }>;
      requestBody: unknown;
      responses: Record<string, unknown>;
    };
    expect(op.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'group', in: 'path', required: true }),
        expect.objectContaining({ name: 'dryRun', in: 'query', required: false }),
      ]),
    );
    expect(op.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateThingBody' } } },
    });
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', 'default']));
    expect(doc.components.schemas.CreateThingBody).toMatchObject({
      type: 'object',
      required: ['name', 'replicas'],
      additionalProperties: false,
    });
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('documents a 204 answer without content, since it has no body', () => {
    const deleteThing = defineRoute({
      method: 'delete',
      path: '/api/v1/things/:group',
      operationId: 'deleteThing',
      summary: 'Delete',
      tags: ['things'],
      auth: 'user',
      params: z.object({ group: z.string() }),
      response: z.undefined(),
      status: 204,
      handler: () => undefined,
    });
    const built = buildOpenApi([deleteThing], {
      title: 'T',
      version: '1',
      serverUrl: '/',
      cookieName: 'c',
    }) as {
      paths: Record<string, Record<string, { responses: Record<string, Record<string, unknown>> }>>;
    };
    const noContent = built.paths['/api/v1/things/{group}']?.delete?.responses['204'];
    expect(noContent).toEqual({ description: 'Success' });
  });

  it('documents an optional body as not required', () => {
    const optional = buildOpenApi([runThing], {
      title: 'T',
      version: '1',
      serverUrl: '/',
      cookieName: 'c',
    }) as { paths: Record<string, Record<string, { requestBody: { required: boolean } }>> };
    expect(optional.paths['/api/v1/things/{group}/runs']?.post?.requestBody.required).toBe(false);
    expect(
      (doc.paths['/api/v1/things/{group}']?.post as { requestBody: { required: boolean } }).requestBody
        .required,
    ).toBe(true);
  });

  it('makes a recursive schema shared by a request and a response one component every $ref resolves to', () => {
    const tree = defineRoute({
      method: 'put',
      path: '/api/v1/trees/:id',
      operationId: 'putTree',
      summary: 'Store any JSON',
      tags: [],
      auth: 'none',
      params: z.object({ id: z.string().regex(/^[a-z]+$/) }),
      body: z.object({ a: z.json(), b: z.array(z.json()) }),
      response: z.object({ stored: z.json() }),
      handler: ({ body }) => ({ stored: body.a }),
    });
    const shared = buildOpenApi([tree], { title: 'T', version: '1', serverUrl: '/', cookieName: 'c' });
    const refs = JSON.stringify(shared).match(/"\$ref":"[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(2);
    const schemas = (shared.components as { schemas: Record<string, unknown> }).schemas;
    for (const ref of refs) {
      const target = /"#\/components\/schemas\/([A-Za-z0-9]+)"$/.exec(ref)?.[1];
      expect(target && schemas[target], ref).toBeTruthy();
    }
    expect(Object.keys(schemas).filter((name) => name.startsWith('Shared'))).toEqual(['Shared1']);
  });

  it('marks authenticated operations with security and 401/403 responses', () => {
    const op = doc.paths['/api/v1/things']?.get as {
      security: unknown[];
      responses: Record<string, unknown>;
    };
    expect(op.security).toEqual([{ hubToken: [] }, { serviceCookie: [] }]);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
  });
});
