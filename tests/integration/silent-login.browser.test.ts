import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

// The JupyterLab extensions call hub-proxy with a plain same-origin fetch();
// this proves, in a real Chromium, that such a fetch ends up authenticated.
describe('silent login from a hub page in Chromium', () => {
  const serviceToken = randomBytes(24).toString('hex');
  let hub: JupyterHub;
  let hubProxy: InProcessHubProxy;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    const port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    hubProxy = await startInProcessHubProxy(hub, { serviceToken, port });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hubProxy?.stop();
    await hub?.stop();
  });

  it('authenticates a same-origin fetch() through the OAuth redirects once the user is logged in to the hub', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${hub.url}/hub/login`);
    await page.fill('input[name=username]', 'erin');
    await page.fill('input[name=password]', 'any-password');
    await Promise.all([page.waitForURL(/\/(hub|user)\//), page.click('[type=submit]')]);

    const result = await page.evaluate(async () => {
      const res = await fetch('/services/turing/api/v1/me', { credentials: 'same-origin' });
      return { status: res.status, redirected: res.redirected, body: await res.text() };
    });
    expect(result.status).toBe(200);
    expect(result.redirected).toBe(true);
    expect(JSON.parse(result.body)).toMatchObject({ name: 'erin', admin: false });

    // Afterwards the service's own cookie answers directly, without the hub round trip.
    const again = await page.evaluate(async () => {
      const res = await fetch('/services/turing/api/v1/me');
      return { status: res.status, redirected: res.redirected };
    });
    expect(again).toEqual({ status: 200, redirected: false });
    const cookies = await browser.context.cookies(`${hub.url}/services/turing/`);
    const serviceCookie = cookies.find((c) => c.name === 'turing-auth');
    expect(serviceCookie?.httpOnly).toBe(true);
    expect(serviceCookie?.path).toBe('/services/turing/');
  });

  it('ends on the hub login page, not on an API answer, when the user is not logged in', async () => {
    const page = await browser.context.newPage();
    await browser.context.clearCookies();
    await page.goto(`${hub.url}/hub/login`);
    const result = await page.evaluate(async () => {
      const res = await fetch('/services/turing/api/v1/me');
      return { url: res.url, type: res.headers.get('content-type') ?? '' };
    });
    expect(result.type).toMatch(/text\/html/);
    expect(result.url).toContain('/hub/login');
  });
});
