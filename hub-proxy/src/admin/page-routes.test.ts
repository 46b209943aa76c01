import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApps, serveTestApp, testAppConfig } from '../testing/serve-test-app.js';
import { AdminBundle } from './admin-bundle.js';
import { adminPageRoutes } from './page-routes.js';
import { ADMIN_CSP } from './security-headers.js';

const SHELL =
  '<!doctype html>\n<html lang="en"><head><script type="module" src="./assets/index-Bq3xK9aZ.js"></script></head><body><div id="root"></div></body></html>\n';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'admin-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), SHELL);
  writeFileSync(join(dir, 'assets', 'index-Bq3xK9aZ.js'), 'console.log("admin");\n');
  writeFileSync(join(dir, 'assets', 'index-C7d0eF1g.css'), 'body { margin: 0 }\n');
  writeFileSync(join(dir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, 'secret.txt'), 'not an asset');
  symlinkSync(join(dir, 'secret.txt'), join(dir, 'assets', 'linked-outside.txt'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(closeTestApps);

/** The real app (guards, problem+json) with the admin page routes over `uiDir`. */
async function serve(uiDir = dir): Promise<string> {
  const config = testAppConfig();
  return serveTestApp({
    config,
    rawRoutes: adminPageRoutes({
      bundle: new AdminBundle(uiDir),
      servicePrefix: config.servicePrefix,
      baseUrl: config.baseUrl,
      adminScope: config.adminScope,
    }),
  });
}

const as = (token: string, headers: Record<string, string> = {}): RequestInit => ({
  redirect: 'manual',
  headers: { Authorization: `token ${token}`, ...headers },
});

/** A GET with the path sent byte for byte (fetch would resolve `..` and `%2e%2e` first). */
function rawGet(
  base: string,
  path: string,
  token = 'root-token',
): Promise<{ status: number; body: string; csp?: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, headers: { Authorization: `token ${token}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            csp: res.headers['content-security-policy'] as string | undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function expectPageHeaders(res: Response): void {
  expect(res.headers.get('content-security-policy')).toBe(ADMIN_CSP);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('same-origin');
}

describe('the admin pages', () => {
  it('serve the shell to an admin, with the CSP and the service URLs as data attributes', async () => {
    const base = await serve();
    for (const path of ['admin/', 'admin/environments', 'admin/gpus', 'admin/audit']) {
      const res = await fetch(`${base}/services/turing/${path}`, as('root-token'));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expectPageHeaders(res);
      const html = await res.text();
      expect(html).toContain(
        '<html data-turing-prefix="/services/turing/" data-turing-api="/services/turing/api/v1/" lang="en">',
      );
      expect(html).toContain('./assets/index-Bq3xK9aZ.js');
    }
  });

  it('redirect to the canonical URL so relative asset paths stay inside admin/', async () => {
    const base = await serve();
    const bare = await fetch(`${base}/services/turing/admin?x=1`, as('root-token'));
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/services/turing/admin/?x=1');
    const slash = await fetch(`${base}/services/turing/admin/quotas/`, as('root-token'));
    expect(slash.status).toBe(301);
    expect(slash.headers.get('location')).toBe('/services/turing/admin/quotas');
  });

  it('answer 404 for a page the UI does not have, as HTML to browsers and problem+json to scripts', async () => {
    const base = await serve();
    const html = await fetch(
      `${base}/services/turing/admin/settings`,
      as('root-token', { Accept: 'text/html' }),
    );
    expect(html.status).toBe(404);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expectPageHeaders(html);
    const json = await fetch(`${base}/services/turing/admin/jobs/extra`, as('root-token'));
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expectPageHeaders(json);
  });

  it('refuse a signed-in user without the admin scope with an HTML page naming the scope, without script', async () => {
    const base = await serve();
    const res = await fetch(`${base}/services/turing/admin/`, as('alice-token', { Accept: 'text/html' }));
    expect(res.status).toBe(403);
    expectPageHeaders(res);
    const html = await res.text();
    expect(html).toContain('custom:turing:admin');
    expect(html).not.toMatch(/<script|<style|style=/i);
    expect(html).not.toContain('data-turing-api');
  });

  it('refuse a script without the admin scope with problem+json', async () => {
    const base = await serve();
    const res = await fetch(`${base}/services/turing/admin/quotas`, as('alice-token'));
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      status: 403,
      detail: 'The admin pages need the custom:turing:admin scope.',
    });
  });

  it('send a browser without a session through the hub login and back to the page', async () => {
    const base = await serve();
    const res = await fetch(`${base}/services/turing/admin/models`, {
      redirect: 'manual',
      headers: { Accept: 'text/html', 'Sec-Fetch-Site': 'none' },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(
      `/services/turing/oauth_login?next=${encodeURIComponent('/services/turing/admin/models')}`,
    );
    const script = await fetch(`${base}/services/turing/admin/models`, { redirect: 'manual' });
    expect(script.status).toBe(401);
  });

  it('answer 503 naming the build command when the bundle is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'admin-ui-empty-'));
    try {
      const base = await serve(empty);
      const html = await fetch(`${base}/services/turing/admin/`, as('root-token', { Accept: 'text/html' }));
      expect(html.status).toBe(503);
      expectPageHeaders(html);
      expect(await html.text()).toContain('npm run build:admin');
      const json = await fetch(`${base}/services/turing/admin/`, as('root-token'));
      expect(json.status).toBe(503);
      expect((await json.json()) as { detail: string }).toMatchObject({
        detail: expect.stringContaining('npm run build:admin'),
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('answer 405 to anything but GET and HEAD, with the CSP', async () => {
    const base = await serve();
    const res = await fetch(`${base}/services/turing/admin/`, { ...as('root-token'), method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expectPageHeaders(res);
    const head = await fetch(`${base}/services/turing/admin/`, { ...as('root-token'), method: 'HEAD' });
    expect(head.status).toBe(200);
    expectPageHeaders(head);
  });
});

describe('the admin assets', () => {
  it('serve bundle files with their content type, hashed names cached for a year', async () => {
    const base = await serve();
    const js = await fetch(`${base}/services/turing/admin/assets/index-Bq3xK9aZ.js`, as('root-token'));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectPageHeaders(js);
    expect(await js.text()).toBe('console.log("admin");\n');
    const css = await fetch(`${base}/services/turing/admin/assets/index-C7d0eF1g.css`, as('root-token'));
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await fetch(`${base}/services/turing/admin/assets/logo.svg`, as('root-token'));
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('no-cache');
  });

  it('are for admins only', async () => {
    const base = await serve();
    const res = await fetch(`${base}/services/turing/admin/assets/index-Bq3xK9aZ.js`, as('alice-token'));
    expect(res.status).toBe(403);
  });

  it('never serve a file outside assets/', async () => {
    const base = await serve();
    for (const path of [
      '/services/turing/admin/assets/..%2findex.html',
      '/services/turing/admin/assets/..%2f..%2fsecret.txt',
      '/services/turing/admin/assets/%2e%2e/secret.txt',
      '/services/turing/admin/assets/..%5csecret.txt',
      '/services/turing/admin/assets/.%2e/secret.txt',
      '/services/turing/admin/assets/linked-outside.txt',
      '/services/turing/admin/assets/missing.js',
      '/services/turing/admin/assets/',
    ]) {
      const res = await rawGet(base, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('not an asset');
      expect(res.body, path).not.toContain('<div id="root">');
      expect(res.csp, path).toBe(ADMIN_CSP);
    }
  });
});

describe('the service root (the hub Services menu link)', () => {
  it('sends an admin to the admin pages', async () => {
    const base = await serve();
    const res = await fetch(`${base}/services/turing/`, as('root-token'));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/services/turing/admin/');
    expectPageHeaders(res);
  });

  it('shows anyone else a page linking the API document', async () => {
    const base = await serve();
    const res = await fetch(`${base}/services/turing/`, as('alice-token', { Accept: 'text/html' }));
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    const html = await res.text();
    expect(html).toContain('href="/services/turing/api/openapi.json"');
    expect(html).not.toMatch(/<script/i);
  });
});

describe('a removed bundle file', () => {
  it('is 404 at once, without a restart', async () => {
    const base = await serve();
    const path = join(dir, 'assets', 'gone-Zz9Yy8Xx.js');
    writeFileSync(path, '1');
    expect(
      (await fetch(`${base}/services/turing/admin/assets/gone-Zz9Yy8Xx.js`, as('root-token'))).status,
    ).toBe(200);
    unlinkSync(path);
    expect(
      (await fetch(`${base}/services/turing/admin/assets/gone-Zz9Yy8Xx.js`, as('root-token'))).status,
    ).toBe(404);
  });
});
