import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CSP } from '../../hub-proxy/src/admin/security-headers.js';
import { Browser } from '../support/browser.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

/**
 * The admin pages behind a real JupyterHub, without a browser: the hub's
 * Services menu link, the login round trip, the admin scope, the CSP and the
 * asset rules. A fixture bundle stands in for `admin-ui/dist`, so the test
 * does not depend on the UI build.
 */

const SCRIPT = 'index-Ab12Cd34.js';
const STYLE = 'index-Ef56Gh78.css';
const SHELL = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Turing admin</title>
<script type="module" crossorigin src="./assets/${SCRIPT}"></script>
<link rel="stylesheet" href="./assets/${STYLE}"></head>
<body><div id="root"></div></body>
</html>
`;

describe('the admin pages behind JupyterHub', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const uiDir = mkdtempSync(join(tmpdir(), 'turing-admin-ui-'));
  let hub: JupyterHub;
  let proxy: InProcessHubProxy;
  let base = '';
  const tokens = { alice: '', admin: '' };

  const get = (path: string, token: string | undefined, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      redirect: 'manual',
      headers: { ...(token ? { Authorization: `token ${token}` } : {}), ...headers },
    });

  function expectPageHeaders(res: Response): void {
    expect(res.headers.get('content-security-policy')).toBe(ADMIN_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  }

  beforeAll(async () => {
    mkdirSync(join(uiDir, 'assets'));
    writeFileSync(join(uiDir, 'index.html'), SHELL);
    writeFileSync(join(uiDir, 'assets', SCRIPT), 'document.title = "admin";\n');
    writeFileSync(join(uiDir, 'assets', STYLE), 'body { margin: 0 }\n');
    writeFileSync(join(uiDir, 'outside.txt'), 'outside the assets folder');
    const port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    proxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: { TURING_ADMIN_UI_DIR: uiDir },
    });
    base = proxy.base;
    await hub.createUser('alice');
    tokens.alice = await hub.tokenFor('alice');
    tokens.admin = await hub.tokenFor('admin');
  }, 120_000);

  afterAll(async () => {
    await proxy?.stop();
    await hub?.stop();
    rmSync(uiDir, { recursive: true, force: true });
  });

  it('serves the shell to an admin token with the strict CSP and the API prefix on <html>', async () => {
    for (const path of ['/admin/', '/admin/environments', '/admin/quotas', '/admin/gpus']) {
      const res = await get(path, tokens.admin);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expectPageHeaders(res);
      const html = await res.text();
      expect(html).toContain('data-turing-api="/services/turing/api/v1/"');
      expect(html).toContain(`./assets/${SCRIPT}`);
    }
  });

  it('refuses a plain user with 403: an HTML page naming the admin scope, problem+json for scripts', async () => {
    const page = await get('/admin/', tokens.alice, { Accept: 'text/html' });
    expect(page.status).toBe(403);
    expectPageHeaders(page);
    const html = await page.text();
    expect(html).toContain('custom:turing:admin');
    expect(html).not.toContain('<script');
    const json = await get('/admin/jobs', tokens.alice);
    expect(json.status).toBe(403);
    expect(json.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await get(`/admin/assets/${SCRIPT}`, tokens.alice)).status).toBe(403);
    expect((await get('/api/v1/admin/gpu-usage', tokens.alice)).status).toBe(403);
  });

  it('sends an anonymous browser into the hub login, and back to the page once the admin has logged in', async () => {
    const anonymous = await get('/admin/quotas', undefined, { Accept: 'text/html' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe(
      `/services/turing/oauth_login?next=${encodeURIComponent('/services/turing/admin/quotas')}`,
    );
    // One hop further: hub-proxy's login sends the browser to the hub's authorize endpoint. (Not
    // followed: the hub would log the OAuth state in the login page's `next`.)
    const login = await fetch(new URL(anonymous.headers.get('location') ?? '', base), {
      redirect: 'manual',
      headers: { Accept: 'text/html' },
    });
    expect(login.status).toBe(302);
    expect(new URL(login.headers.get('location') ?? '', base).pathname).toBe('/hub/api/oauth2/authorize');

    const browser = await hub.loginWithBrowser('admin', 'any-password', new Browser({ Accept: 'text/html' }));
    const { response, chain } = await browser.fetch(`${base}/admin/quotas`);
    expect(chain.map((u) => new URL(u).pathname)).toEqual([
      '/services/turing/admin/quotas',
      '/services/turing/oauth_login',
      '/hub/api/oauth2/authorize',
      '/services/turing/oauth_callback',
      '/services/turing/admin/quotas',
    ]);
    expect(response.status).toBe(200);
    expectPageHeaders(response);
    expect(await response.text()).toContain('<div id="root">');
  });

  it("lists Turing in the hub's Services menu; the link takes an admin to the pages and others to a landing page", async () => {
    const admin = await hub.loginWithBrowser('admin', 'any-password', new Browser({ Accept: 'text/html' }));
    const home = await admin.fetch(`${hub.url}/hub/home`);
    const menu = await home.response.text();
    expect(menu).toMatch(/<a class="dropdown-item" href="\/services\/turing\/">turing<\/a>/);
    const followed = await admin.fetch(`${hub.url}/services/turing/`);
    expect(new URL(followed.chain.at(-1) ?? '').pathname).toBe('/services/turing/admin/');
    expect(followed.response.status).toBe(200);
    await followed.response.body?.cancel();

    const alice = await hub.loginWithBrowser('alice', 'any-password', new Browser({ Accept: 'text/html' }));
    const landing = await alice.fetch(`${hub.url}/services/turing/`);
    expect(landing.response.status).toBe(200);
    expectPageHeaders(landing.response);
    expect(await landing.response.text()).toContain('href="/services/turing/api/openapi.json"');
  });

  it('serves assets with their content type and a year of caching, and nothing outside assets/', async () => {
    const script = await get(`/admin/assets/${SCRIPT}`, tokens.admin);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectPageHeaders(script);
    const style = await get(`/admin/assets/${STYLE}`, tokens.admin);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');

    // Through the hub's proxy, byte for byte (fetch would resolve the dot segments itself).
    for (const path of [
      '/admin/assets/..%2foutside.txt',
      '/admin/assets/%2e%2e/outside.txt',
      '/admin/assets/..%2f..%2fadmin%2findex.html',
    ]) {
      const res = await rawGet(base, path, tokens.admin);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('outside the assets folder');
      expect(res.body, path).not.toContain('<div id="root">');
    }
  });
});

/** A GET of `base` + `path` that sends the path exactly as given (WHATWG URLs resolve `%2e%2e`). */
function rawGet(base: string, path: string, token: string): Promise<{ status: number; body: string }> {
  const { hostname, port, pathname } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, path: `${pathname}${path}`, headers: { Authorization: `token ${token}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
