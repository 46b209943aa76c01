import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../observability/logger.js';
import { problemHandler } from './problem.js';
import { defineRawBodyRoute } from './raw-body-route.js';
import { requestId } from './request-id.js';
import type { RouteDefinition } from './route.js';

const handled: string[] = [];

/** Counts the bytes of the streamed body. */
function putBlob(auth: 'none' | 'user'): RouteDefinition {
  return defineRawBodyRoute({
    method: 'put',
    path: '/blobs/:name',
    operationId: 'putBlob',
    summary: 'Upload a blob',
    tags: [],
    auth,
    params: z.object({ name: z.string().regex(/^[a-z]+$/) }),
    response: z.object({ name: z.string(), bytes: z.number() }),
    status: 201,
    handle: async ({ params, req }) => {
      handled.push(params.name);
      let bytes = 0;
      for await (const chunk of req) bytes += (chunk as Buffer).length;
      return { name: params.name, bytes };
    },
  });
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(route: RouteDefinition): Promise<string> {
  const app = express();
  app.use(requestId(createLogger({ level: 'silent' })));
  app.use(express.json());
  app[route.spec.method](route.spec.path, ...route.handlers);
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const put = (contentType: string, body: string): RequestInit => ({
  method: 'PUT',
  headers: { 'Content-Type': contentType },
  body,
});

describe('defineRawBodyRoute', () => {
  it('streams the raw body to the handler and answers its result with the declared status', async () => {
    const url = await serve(putBlob('none'));
    const res = await fetch(`${url}/blobs/abc`, put('application/octet-stream', 'x'.repeat(1000)));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ name: 'abc', bytes: 1000 });
  });

  it('refuses a JSON body with 415 and bad params with 400, before the handler runs', async () => {
    handled.length = 0;
    const url = await serve(putBlob('none'));
    expect((await fetch(`${url}/blobs/abc`, put('application/json', '{}'))).status).toBe(415);
    const bad = await fetch(`${url}/blobs/ABC`, put('application/octet-stream', 'x'));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe('params.name');
    expect(handled).toEqual([]);
  });

  it('answers 401 on a user route that reaches it without a caller', async () => {
    const url = await serve(putBlob('user'));
    expect((await fetch(`${url}/blobs/abc`, put('application/octet-stream', 'x'))).status).toBe(401);
  });

  it('documents the route without its handler', () => {
    const { spec } = putBlob('none');
    expect(spec).toMatchObject({ operationId: 'putBlob', status: 201 });
    expect(spec).not.toHaveProperty('handle');
  });
});
