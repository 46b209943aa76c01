import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../hub-proxy/src/config/load.js';
import { startHubProxy, type HubProxyHandle } from '../../hub-proxy/src/server.js';
import { Browser } from '../support/browser.js';
import { hubProxyKubeconfig } from '../support/chart-service-account.js';
import { waitUntil } from '../support/child-process.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { ACCESS_SCOPE as ACCESS, turingHub, type TuringServiceSpec } from '../support/turing-hub.js';
import { createNamespace } from '../support/namespaces.js';
import { freePort } from '../support/ports.js';
import { logCaptureFile } from '../support/secrets-scan.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const TTL_MS = 3_000;
const BODY_LIMIT = 2_048;

/** Hub configuration shared by both ways of running the service. */
function hubWithTuring(service: TuringServiceSpec) {
  return turingHub(service, { accessGroups: { 'turing-users': ['alice', 'carol'] } });
}

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
}

async function expectProblem(res: Response, status: number): Promise<ProblemBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as ProblemBody;
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+/);
  return body;
}

describe('hub-proxy as an external JupyterHub service (in-process)', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const logLines: string[] = [];
  const secrets: string[] = [serviceToken];
  let hub: JupyterHub;
  let proxy: HubProxyHandle;
  let base = '';
  let aliceToken = '';
  let adminToken = '';

  const api = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init);
  const withToken = (token: string, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { Authorization: `token ${token}`, ...init.headers },
  });

  beforeAll(async () => {
    const port = await freePort();
    hub = hubWithTuring({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    const config = loadConfig({
      env: {
        TURING_HUB_API_URL: hub.apiUrl,
        TURING_API_TOKEN: serviceToken,
        TURING_LISTEN_PORT: String(port),
        TURING_OPS_LISTEN_PORT: '0',
        TURING_MODELS_API_KEY_LISTEN_PORT: '0',
        TURING_SCOPE_CACHE_TTL_MS: String(TTL_MS),
        TURING_BODY_LIMIT_BYTES: String(BODY_LIMIT),
        TURING_LOG_LEVEL: 'debug',
      },
      readFile: () => {
        throw new Error('no files in this test');
      },
    });
    // Kept for the run-wide secrets scan too (tests/support/secrets-scan.ts).
    const scanFile = logCaptureFile('hub-proxy-auth');
    proxy = await startHubProxy(config, {
      logDestination: new Writable({
        write(chunk: Buffer, _enc, done) {
          logLines.push(chunk.toString('utf8'));
          if (scanFile) appendFileSync(scanFile, chunk);
          done();
        },
      }),
      statusProviders: { probe: () => ({ wired: true }) },
    });
    base = `${hub.url}/services/turing`;
    await hub.createUser('bob');
    aliceToken = await hub.tokenFor('alice');
    adminToken = await hub.tokenFor('admin');
    secrets.push(aliceToken, adminToken);
  });

  afterAll(async () => {
    await proxy?.shutdown('test done');
    await hub?.stop();
  });

  it('is reachable through the hub proxy: readyz 200 with no detail; the checks are on the operations listener', async () => {
    const ready = await api('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
    expect((await api('/healthz')).status).toBe(404);
    expect(await (await fetch(`${proxy.opsUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const detailed = await fetch(`${proxy.opsUrl}/readyz`);
    expect(detailed.status).toBe(200);
    const body = (await detailed.json()) as { ready: boolean; checks: Array<{ name: string; ok: boolean }> };
    expect(body.ready).toBe(true);
    expect(body.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'hub', ok: true })]));
  });

  it('answers 401 problem+json to a script without credentials', async () => {
    const res = await api('/api/v1/me');
    await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toBe('token');
  });

  it('answers 401 to a token the hub does not know', async () => {
    await expectProblem(await api('/api/v1/me', withToken('not-a-real-token-0123456789')), 401);
  });

  it('answers 403 to a user outside the access role, and to a token restricted below the access scope', async () => {
    const bobToken = await hub.tokenFor('bob');
    const narrowAlice = await hub.tokenFor('alice', ['read:users:name!user']);
    secrets.push(bobToken, narrowAlice);
    expect((await expectProblem(await api('/api/v1/me', withToken(bobToken)), 403)).detail).toContain(ACCESS);
    await expectProblem(await api('/api/v1/me', withToken(narrowAlice)), 403);
  });

  it("returns the caller's identity from /api/v1/me for a valid token (token and Bearer forms)", async () => {
    for (const header of [`token ${aliceToken}`, `Bearer ${aliceToken}`]) {
      const res = await api('/api/v1/me', { headers: { Authorization: header } });
      expect(res.status).toBe(200);
      const me = (await res.json()) as { name: string; admin: boolean; scopes: string[]; ownerLabel: string };
      expect(me).toMatchObject({ name: 'alice', kind: 'user', admin: false, ownerLabel: 'alice' });
      expect(me.scopes).toContain(ACCESS);
    }
  });

  it('logs a browser in through /hub/login and the OAuth round trip; the service cookie alone then works', async () => {
    const browser = await hub.loginWithBrowser('alice');
    const { response, chain } = await browser.fetch(
      `${base}/oauth_login?next=${encodeURIComponent('/services/turing/api/v1/me')}`,
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('alice');
    expect(chain.map((u) => new URL(u).pathname)).toEqual([
      '/services/turing/oauth_login',
      '/hub/api/oauth2/authorize',
      '/services/turing/oauth_callback',
      '/services/turing/api/v1/me',
    ]);
    const session = browser.cookie('turing-auth');
    expect(session).toMatchObject({ path: '/services/turing/', httpOnly: true, sameSite: 'Lax' });
    expect(browser.cookie('turing-xsrf')).toMatchObject({ httpOnly: false });
    secrets.push(session?.value ?? 'missing');

    // Only the service cookie: no hub cookies, no Authorization header.
    const cookieOnly = new Browser();
    if (session) cookieOnly.setCookie(session);
    const me = await cookieOnly.fetch(`${base}/api/v1/me`, { follow: false });
    expect(me.response.status).toBe(200);
    expect(((await me.response.json()) as { name: string }).name).toBe('alice');
  });

  it('rejects an OAuth callback whose state was not issued to this browser', async () => {
    const browser = await hub.loginWithBrowser('alice');
    const res = await browser.fetch(`${base}/oauth_callback?code=whatever&state=forged-state-value`);
    await expectProblem(res.response, 400);
  });

  it('silently logs in a same-origin fetch that carries only the hub login cookie', async () => {
    // What a browser sends with fetch('/services/turing/api/v1/me') from the JupyterLab page.
    const browser = await hub.loginWithBrowser(
      'carol',
      undefined,
      new Browser({ 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors', Accept: 'application/json' }),
    );
    expect(browser.cookie('turing-auth')).toBeUndefined();
    const { response, chain } = await browser.fetch(`${base}/api/v1/me`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('carol');
    expect(chain.map((u) => new URL(u).pathname)).toContain('/services/turing/oauth_callback');
    expect(browser.cookie('turing-auth')).toBeDefined();
    secrets.push(browser.cookie('turing-auth')?.value ?? 'missing');
  });

  it('applies a scope revoked in the hub within the cache TTL, and not before', async () => {
    const carolToken = await hub.tokenFor('carol');
    secrets.push(carolToken);
    expect((await api('/api/v1/me', withToken(carolToken))).status).toBe(200);
    const cachedAt = Date.now();

    const removed = await hub.api('/groups/turing-users/users', {
      method: 'DELETE',
      body: JSON.stringify({ users: ['carol'] }),
    });
    expect(removed.status).toBe(200);
    // The hub itself no longer grants the scope...
    const hubView = (await (
      await fetch(`${hub.apiUrl}/user`, { headers: { Authorization: `token ${carolToken}` } })
    ).json()) as { scopes: string[] };
    expect(hubView.scopes).not.toContain(ACCESS);
    // ...but the cached decision stands until the TTL runs out.
    const early = await api('/api/v1/me', withToken(carolToken));
    expect(Date.now() - cachedAt).toBeLessThan(TTL_MS);
    expect(early.status).toBe(200);

    await new Promise((r) => setTimeout(r, TTL_MS - (Date.now() - cachedAt) + 500));
    await expectProblem(await api('/api/v1/me', withToken(carolToken)), 403);
  });

  it('gives admins /api/v1/admin/status and non-admins 403', async () => {
    await expectProblem(await api('/api/v1/admin/status', withToken(aliceToken)), 403);
    const res = await api('/api/v1/admin/status', withToken(adminToken));
    expect(res.status).toBe(200);
    const status = (await res.json()) as {
      process: { pid: number };
      readiness: { ready: boolean };
      status: Record<string, unknown>;
    };
    expect(status.process.pid).toBe(process.pid);
    expect(status.readiness.ready).toBe(true);
    expect(status.status).toEqual({ probe: { wired: true } });
  });

  it('carries the admin scope into the OAuth cookie of an admin who logs in with a browser', async () => {
    const browser = await hub.loginWithBrowser('admin');
    const { response } = await browser.fetch(
      `${base}/oauth_login?next=${encodeURIComponent('/services/turing/api/v1/me')}`,
    );
    expect(((await response.json()) as { admin: boolean }).admin).toBe(true);
    secrets.push(browser.cookie('turing-auth')?.value ?? 'missing');
    const status = await browser.fetch(`${base}/api/v1/admin/status`);
    expect(status.response.status).toBe(200);
  });

  it('requires X-XSRF-Token on cookie-authenticated writes, checked before routing; tokens are exempt', async () => {
    const browser = await hub.loginWithBrowser('alice');
    await browser.fetch(`${base}/oauth_login?next=${encodeURIComponent('/services/turing/api/v1/me')}`);
    const xsrf = browser.cookie('turing-xsrf')?.value ?? '';
    expect(xsrf).not.toBe('');
    const post = (headers: Record<string, string>) =>
      browser.fetch(`${base}/api/v1/no-such-write`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: '{}',
        follow: false,
      });
    await expectProblem((await post({})).response, 403);
    await expectProblem((await post({ 'X-XSRF-Token': 'wrong' })).response, 403);
    await expectProblem((await post({ 'X-XSRF-Token': xsrf })).response, 404);
    const scripted = await api(
      '/api/v1/no-such-write',
      withToken(aliceToken, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }),
    );
    await expectProblem(scripted, 404);
  });

  it('answers an oversized body with 413 and malformed JSON with 400, as problem+json', async () => {
    const send = (body: string) =>
      api(
        '/api/v1/anything',
        withToken(aliceToken, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }),
      );
    await expectProblem(await send(JSON.stringify({ blob: 'x'.repeat(BODY_LIMIT * 2) })), 413);
    const bad = await expectProblem(await send('{"broken": '), 400);
    expect(bad.detail).toMatch(/JSON/);
  });

  it('serves an OpenAPI 3.1 document generated from the registered routes', async () => {
    const res = await api('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      servers: Array<{ url: string }>;
      paths: Record<string, Record<string, { operationId: string; responses: object }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.servers).toEqual([{ url: '/services/turing' }]);
    for (const path of ['/readyz', '/api/openapi.json', '/api/v1/me', '/api/v1/admin/status']) {
      expect(doc.paths[path]?.get?.operationId, path).toBeTruthy();
    }
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Problem', 'GetMeResponse']));
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['hubToken', 'serviceCookie']);
  });

  it('records request metrics by route pattern, served on the operations listener only', async () => {
    expect((await api('/metrics')).status).toBe(404);
    const text = await (await fetch(`${proxy.opsUrl}/metrics`)).text();
    expect(text).toMatch(/turing_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/me"[^}]*\}/);
    expect(text).not.toMatch(/route="\/services\/turing\/api\/v1\/me/);
  });

  it('never writes a token or cookie value to the logs', () => {
    const output = logLines.join('');
    expect(output).toContain('request completed');
    expect(secrets.length).toBeGreaterThan(6);
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});

describe('hub-proxy as a JupyterHub managed service', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const namespace = `managed-${randomBytes(3).toString('hex')}`;
  let hub: JupyterHub;

  beforeAll(async () => {
    await createNamespace(inject('kubeconfigPath'), namespace);
    const port = await freePort();
    hub = hubWithTuring({
      apiToken: serviceToken,
      url: `http://127.0.0.1:${port}`,
      command: [resolve(repoRoot, 'node_modules/.bin/tsx'), resolve(repoRoot, 'hub-proxy/src/main.ts')],
      environment: {
        // tsx runs under `env node`; the hub keeps only a few variables by default.
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        // As the chart's ServiceAccount, with exactly the chart's RBAC.
        TURING_KUBECONFIG: await hubProxyKubeconfig(inject('kubeconfigPath'), namespace),
        TURING_OPS_LISTEN_PORT: '0',
        TURING_MODELS_API_KEY_LISTEN_PORT: '0',
        TURING_NAMESPACE: namespace,
      },
    });
    await hub.start();
    await waitUntil('managed hub-proxy', async () => (await fetch(`${hub.url}/services/turing/readyz`)).ok, {
      timeoutMs: 60_000,
    });
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('starts from the hub-provided environment and authenticates through the hub proxy', async () => {
    await hub.createUser('alice');
    const token = await hub.tokenFor('alice');
    expect((await fetch(`${hub.url}/services/turing/api/v1/me`)).status).toBe(401);
    const res = await fetch(`${hub.url}/services/turing/api/v1/me`, {
      headers: { Authorization: `token ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }).name).toBe('alice');
    const ready = await fetch(`${hub.url}/services/turing/readyz`);
    expect(ready.status).toBe(200);
  });

  it('logs a browser in with the OAuth client id and callback the hub handed it', async () => {
    const browser = await hub.loginWithBrowser('alice');
    const { response } = await browser.fetch(
      `${hub.url}/services/turing/oauth_login?next=${encodeURIComponent('/services/turing/api/v1/me')}`,
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('alice');
  });
});
