import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assembleHubProxy, type AssembledHubProxy } from '../../hub-proxy/src/assemble.js';
import { loadCatalog } from '../../hub-proxy/src/catalog/index.js';
import { loadConfig } from '../../hub-proxy/src/config/load.js';
import { createLogger } from '../../hub-proxy/src/observability/logger.js';
import { startHubProxy, type HubProxyHandle } from '../../hub-proxy/src/server.js';
import { launchChromium } from '../support/chromium.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { createNamespace } from '../support/namespaces.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/screenshots');

// A new user logs in, JupyterLab starts with Turing's extensions, and the
// Environments panel lists the catalog with live GPU availability from the
// real cluster (kwok nodes: 4 A100, 2 T4).
describe('Environments panel in JupyterLab (Chromium)', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const namespace = `panel-${randomBytes(3).toString('hex')}`;
  const catalog = loadCatalog();
  let hub: JupyterHub;
  let proxy: HubProxyHandle;
  let assembled: AssembledHubProxy;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    await createNamespace(inject('kubeconfigPath'), namespace);
    const port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    const config = loadConfig({
      env: {
        TURING_HUB_API_URL: hub.apiUrl,
        TURING_API_TOKEN: serviceToken,
        TURING_LISTEN_PORT: String(port),
        TURING_KUBECONFIG: inject('kubeconfigPath'),
        TURING_NAMESPACE: namespace,
        TURING_LOG_LEVEL: 'warn',
      },
    });
    assembled = assembleHubProxy(config, catalog, createLogger({ level: 'warn' }));
    proxy = await startHubProxy(config, assembled.extras);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await assembled?.kubernetes?.releaseLeadership();
    await proxy?.shutdown('test done');
    await hub?.stop();
  });

  it('lists every catalog environment with versions and free GPUs per type after login', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${hub.url}/hub/login`);
    await page.fill('input[name=username]', 'erin');
    await page.fill('input[name=password]', 'any-password');
    await page.click('[type=submit]');
    await page.waitForURL(/\/user\/erin\/lab/, { timeout: 90_000 });
    await page.waitForSelector('.jp-LabShell', { timeout: 60_000 });

    const panel = page.locator('#turing-environments');
    if (!(await panel.isVisible())) {
      await page.locator('.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="turing-environments"]').click();
    }
    expect(await panel.getAttribute('aria-label')).toBe('Turing Environments');
    const items = panel.locator('.jp-Turing-EnvItem');
    await items.first().waitFor({ timeout: 30_000 });
    expect(await items.count()).toBe(catalog.environments.length);
    for (const environment of catalog.environments) {
      await expect.poll(() => panel.getByText(environment.displayName).count()).toBeGreaterThan(0);
    }

    await items.filter({ hasText: 'TensorFlow 2.16' }).click();
    const options = () => panel.locator('option').allInnerTexts();
    await expect.poll(options, { timeout: 20_000 }).toContain('NVIDIA A100 SXM4 (80 GB) (4 free)');
    expect(await options()).toContain('NVIDIA T4 (16 GB) (2 free)');
    await page.screenshot({ path: resolve(screenshots, 'environments-panel.png') });
  });
});
