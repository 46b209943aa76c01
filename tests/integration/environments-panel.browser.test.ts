import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../hub-proxy/src/environments/index.js';
import { launchChromium } from '../support/chromium.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
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
  let hubProxy: InProcessHubProxy;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  // The lab page of the first test; the second continues in it.
  let page: Page;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    await createNamespace(inject('kubeconfigPath'), namespace);
    const port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    hubProxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: {
        TURING_RUNTIME: 'kubernetes',
        TURING_KUBECONFIG: inject('kubeconfigPath'),
        TURING_NAMESPACE: namespace,
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hubProxy?.stop();
    await hub?.stop();
  });

  it('lists every catalog environment with versions and free GPUs per type after login', async () => {
    page = await browser.context.newPage();
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

  it('switches the server to another environment after a confirm dialog and comes back with it as current', async () => {
    const panel = page.locator('#turing-environments');
    const xgboost = panel.locator('.jp-Turing-EnvItem').filter({ hasText: 'XGBoost 3.0 (CPU)' });
    await xgboost.click();
    await panel.getByRole('button', { name: 'Switch' }).click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByText('Switch environment?').waitFor();
    await Promise.all([
      page.waitForEvent('load', { timeout: 120_000 }),
      dialog.getByRole('button', { name: 'Save and switch' }).click(),
    ]);
    await page.waitForSelector('.jp-LabShell', { timeout: 90_000 });
    const reloaded = page.locator('#turing-environments');
    if (!(await reloaded.isVisible())) {
      await page.locator('.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="turing-environments"]').click();
    }
    await reloaded
      .locator('.jp-Turing-EnvItem')
      .filter({ hasText: 'XGBoost 3.0 (CPU)' })
      .locator('.jp-Turing-Current-tag')
      .waitFor({ timeout: 30_000 });
    const user = (await (await hub.api('/users/erin')).json()) as {
      servers: Record<string, { ready: boolean; user_options: { profile?: string } }>;
    };
    expect(user.servers['']?.ready).toBe(true);
    expect(user.servers['']?.user_options.profile).toBe('xgboost-cpu');
  });
});
