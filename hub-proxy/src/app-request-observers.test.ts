import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ObservedRequest } from './feature.js';
import { defineRawBodyRoute } from './http/raw-body-route.js';
import { defineRoute } from './http/route.js';
import { closeTestApps, serveTestApp } from './testing/serve-test-app.js';

const routes = [
  defineRoute({
    method: 'patch',
    path: '/api/v1/things/:name',
    operationId: 'updateThing',
    summary: 'Change a thing',
    tags: [],
    auth: 'user',
    params: z.object({ name: z.string() }),
    query: z.object({ user: z.string().optional() }),
    body: z.object({ colour: z.string() }),
    response: z.object({ ok: z.boolean() }),
    handler: () => ({ ok: true }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/things/:name/adopt',
    operationId: 'adoptThing',
    summary: 'Answers with the view of a thing someone else owns',
    tags: [],
    auth: 'user',
    response: z.object({ name: z.string(), owner: z.string() }),
    handler: () => ({ name: 'box', owner: 'bob' }),
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/admin/things',
    operationId: 'adminReplaceThings',
    summary: 'Admins only',
    tags: [],
    auth: 'admin',
    body: z.object({}),
    response: z.object({}),
    handler: () => ({}),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/things/:name/explode',
    operationId: 'explodeThing',
    summary: 'Fails with an observer that throws',
    tags: [],
    auth: 'user',
    response: z.object({}),
    handler: () => ({}),
  }),
  defineRawBodyRoute({
    method: 'put',
    path: '/api/v1/things/:name/file',
    operationId: 'putThingFile',
    summary: 'A raw upload',
    tags: [],
    auth: 'user',
    response: z.object({ bytes: z.number() }),
    handle: async ({ req }) => {
      let bytes = 0;
      for await (const chunk of req) bytes += (chunk as Buffer).length;
      return { bytes };
    },
  }),
];

afterEach(closeTestApps);

async function serve(observers: Array<(r: ObservedRequest) => void>): Promise<string> {
  return `${await serveTestApp({ routes, requestObservers: observers })}/services/turing`;
}

/** Waits for the observers to have been told `count` times (they run on the response's end). */
async function seen(list: ObservedRequest[], count: number): Promise<ObservedRequest[]> {
  for (let i = 0; i < 100 && list.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  // A little longer: a second call would show up now.
  await new Promise((r) => setTimeout(r, 50));
  return list;
}

describe('request observers', () => {
  it('are told once per call, with the route, params, query, body, caller, status and request id', async () => {
    const observed: ObservedRequest[] = [];
    const base = await serve([(r) => observed.push(r)]);
    const res = await fetch(`${base}/api/v1/things/box?user=alice`, {
      method: 'PATCH',
      headers: { Authorization: 'token alice-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({ colour: 'red' }),
    });
    expect(res.status).toBe(200);
    const [call, ...more] = await seen(observed, 1);
    expect(more).toEqual([]);
    expect(call).toMatchObject({
      route: { operationId: 'updateThing', method: 'patch', path: '/api/v1/things/:name', auth: 'user' },
      path: '/services/turing/api/v1/things/box',
      params: { name: 'box' },
      query: { user: 'alice' },
      body: { colour: 'red' },
      identity: { name: 'alice', isAdmin: false },
      status: 200,
      completed: true,
      requestId: res.headers.get('x-request-id'),
    });
    expect(call?.receivedAt).toBeInstanceOf(Date);
  });

  it('are told whose object it was when the response names its owner', async () => {
    const observed: ObservedRequest[] = [];
    const base = await serve([(r) => observed.push(r)]);
    const res = await fetch(`${base}/api/v1/things/box/adopt`, {
      method: 'POST',
      headers: { Authorization: 'token root-token' },
    });
    expect(res.status).toBe(200);
    const [call] = await seen(observed, 1);
    expect(call).toMatchObject({ identity: { name: 'root' }, subjectOwner: 'bob' });
  });

  it('see a call the authentication refuses: 403 with the caller, 401 without one', async () => {
    const observed: ObservedRequest[] = [];
    const base = await serve([(r) => observed.push(r)]);
    const refused = await fetch(`${base}/api/v1/admin/things`, {
      method: 'PUT',
      headers: { Authorization: 'token alice-token', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(403);
    const anonymous = await fetch(`${base}/api/v1/admin/things`, { method: 'PUT' });
    expect(anonymous.status).toBe(401);
    const calls = await seen(observed, 2);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      route: { operationId: 'adminReplaceThings' },
      status: 403,
      identity: { name: 'alice' },
    });
    expect(calls[1]?.status).toBe(401);
    expect(calls[1]?.identity).toBeUndefined();
  });

  it('get the size, not the bytes, of a raw body', async () => {
    const observed: ObservedRequest[] = [];
    const base = await serve([(r) => observed.push(r)]);
    const res = await fetch(`${base}/api/v1/things/box/file`, {
      method: 'PUT',
      headers: { Authorization: 'token alice-token', 'Content-Type': 'application/octet-stream' },
      body: 'x'.repeat(1234),
    });
    expect(res.status).toBe(200);
    const [call] = await seen(observed, 1);
    expect(call?.body).toBeUndefined();
    expect(call?.rawBodyBytes).toBe(1234);
  });

  it('never break the response: a throwing observer is logged and the next one still runs', async () => {
    const observed: ObservedRequest[] = [];
    const base = await serve([
      () => {
        throw new Error('observer bug');
      },
      (r) => observed.push(r),
    ]);
    const res = await fetch(`${base}/api/v1/things/box/explode`, {
      method: 'POST',
      headers: { Authorization: 'token alice-token' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(await seen(observed, 1)).toHaveLength(1);
    // The server still answers.
    const again = await fetch(`${base}/api/v1/things/box/explode`, {
      method: 'POST',
      headers: { Authorization: 'token alice-token' },
    });
    expect(again.status).toBe(200);
  });
});
