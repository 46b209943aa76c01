import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from './http/route.js';
import type { ReadinessCheck } from './observability/readiness.js';
import { closeTestApps, serveTestApp, stubHub, testAppConfig } from './testing/serve-test-app.js';

const hub = stubHub({ exchangeCode: async () => ({ accessToken: 'alice-token', expiresIn: 3600 }) });

const listThings = defineRoute({
  method: 'get',
  path: '/api/v1/things',
  operationId: 'listThings',
  summary: 'List things',
  tags: [],
  auth: 'user',
  response: z.object({ items: z.array(z.string()) }),
  handler: () => ({ items: [] }),
});
const createThing = defineRoute({
  method: 'post',
  path: '/api/v1/things',
  operationId: 'createThing',
  summary: 'Create a thing',
  tags: [],
  auth: 'user',
  body: z.object({}),
  response: z.object({}),
  handler: () => ({}),
});
const deleteThing = defineRoute({
  method: 'delete',
  path: '/api/v1/things/:name',
  operationId: 'deleteThing',
  summary: 'Delete a thing',
  tags: [],
  auth: 'user',
  params: z.object({ name: z.string().regex(/^[a-z]+$/) }),
  response: z.undefined(),
  status: 204,
  handler: () => undefined,
});
const runnerPing = defineRoute({
  method: 'post',
  path: '/api/v1/runner/ping',
  operationId: 'runnerPing',
  summary: 'A route that authenticates itself (like the runner API)',
  tags: [],
  auth: 'none',
  response: z.object({}),
  handler: () => ({}),
});

const failingHub: ReadinessCheck = async () => ({
  name: 'hub',
  ok: false,
  detail: 'connect ECONNREFUSED 10.0.0.7:8081 (hub internals)',
});

afterEach(closeTestApps);

/** The real app (auth, 404/405, problem+json) with a stub hub, on an ephemeral port. */
async function serve(env: Record<string, string> = {}, routes: RouteDefinition[] = []): Promise<string> {
  const origin = await serveTestApp({
    config: testAppConfig(env),
    hub,
    readinessChecks: () => [failingHub],
    routes: [listThings, createThing, deleteThing, runnerPing, ...routes],
  });
  return `${origin}/services/turing`;
}

const asAlice = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { Authorization: 'token alice-token', ...init.headers },
});

describe('an undeclared method on a known path', () => {
  it('is 405 problem+json with an Allow header listing the declared methods', async () => {
    const base = await serve();
    const res = await fetch(`${base}/api/v1/things`, asAlice({ method: 'PUT' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(await res.json()).toMatchObject({ status: 405, title: 'Method Not Allowed' });
    const byName = await fetch(`${base}/api/v1/things/box`, asAlice({ method: 'PATCH' }));
    expect(byName.status).toBe(405);
    expect(byName.headers.get('allow')).toBe('DELETE');
  });

  it('is 401 for an anonymous caller under /api, as an unknown path is', async () => {
    const base = await serve();
    const res = await fetch(`${base}/api/v1/things`, { method: 'PUT' });
    expect(res.status).toBe(401);
    expect(res.headers.get('allow')).toBeNull();
    expect((await fetch(`${base}/api/v1/nothing`, { method: 'PUT' })).status).toBe(401);
  });

  it('is 405 without credentials on a path whose routes are all public', async () => {
    const base = await serve();
    const res = await fetch(`${base}/api/v1/runner/ping`, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    const readyz = await fetch(`${base}/readyz`, { method: 'DELETE' });
    expect(readyz.status).toBe(405);
    expect(readyz.headers.get('allow')).toBe('GET, HEAD');
  });

  it('leaves declared methods and unknown paths as they were', async () => {
    const base = await serve();
    expect((await fetch(`${base}/api/v1/things`, asAlice())).status).toBe(200);
    expect((await fetch(`${base}/api/v1/things`, asAlice({ method: 'HEAD' }))).status).toBe(200);
    expect((await fetch(`${base}/api/v1/nothing`, asAlice({ method: 'PUT' }))).status).toBe(404);
  });
});

describe('an over-long URL', () => {
  it('is 414 problem+json with the request id', async () => {
    const base = await serve();
    const res = await fetch(`${base}/api/v1/things?q=${'a'.repeat(9000)}`, asAlice());
    expect(res.status).toBe(414);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 414, requestId: expect.any(String) });
  });
});

describe('the public /readyz', () => {
  it('answers ready or not without the checks, their names or their details', async () => {
    const base = await serve();
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false });
  });

  it('is the only operational endpoint on the public listener', async () => {
    const base = await serve();
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(404);
  });
});

describe('the Secure flag of the login cookies', () => {
  async function loginCookies(base: string, headers: Record<string, string>): Promise<string[]> {
    const login = await fetch(`${base}/oauth_login`, { redirect: 'manual', headers });
    const stateCookie = login.headers.getSetCookie()[0] ?? '';
    const state = new URL(login.headers.get('location') ?? '', 'http://x').searchParams.get('state') ?? '';
    const callback = await fetch(`${base}/oauth_callback?code=c&state=${state}`, {
      redirect: 'manual',
      headers: { ...headers, Cookie: stateCookie.split(';')[0] ?? '' },
    });
    expect(callback.status).toBe(302);
    // The state, the service cookie and the XSRF cookie; not the one clearing the state.
    return [stateCookie, ...callback.headers.getSetCookie()].filter((c) => !/Max-Age=0/i.test(c));
  }

  it('does not follow an X-Forwarded-Proto sent by a client hub-proxy does not trust', async () => {
    const base = await serve();
    const cookies = await loginCookies(base, { 'X-Forwarded-Proto': 'https' });
    expect(cookies).toHaveLength(3);
    for (const cookie of cookies) expect(cookie).not.toMatch(/;\s*Secure/i);
  });

  it('follows X-Forwarded-Proto from a trusted proxy (trustProxy)', async () => {
    const base = await serve({ TURING_TRUST_PROXY: 'loopback' });
    const cookies = await loginCookies(base, { 'X-Forwarded-Proto': 'https' });
    expect(cookies).toHaveLength(3);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);
    const plain = await loginCookies(base, {});
    for (const cookie of plain) expect(cookie).not.toMatch(/;\s*Secure/i);
  });
});
