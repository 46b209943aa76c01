import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pickThemeFromMenu, seriousViolations, type ThemeName } from '../support/accessibility.js';
import { launchChromium } from '../support/chromium.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { logInToLab, newLabPage, showSidePanel, sidebarTab } from '../support/lab-page.js';
import { createNamespace } from '../support/namespaces.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/e2e');
const PANEL = 'turing-environments';
// The last card of the catalog, a GPU environment: the picker matters and the card is low in the list.
const LOW_CARD = 'PyTorch 2.7 (CUDA 12.6)';
const SWITCH_TARGET = 'XGBoost 3.0 (CPU)';

type Box = { x: number; y: number; width: number; height: number };

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`no bounding box for ${locator.toString()}`);
  return box;
}

// Issue 13, defect 6 and the Environments accessibility: at the default
// sidebar width a click on a card low in the list expands it in place with
// its GPU picker, and Switch stays in sight in a sticky bar that also shows
// the switch progress; the list is a listbox driven by aria-activedescendant;
// a status-bar item shows the current environment and opens the panel.
describe('Environments panel UX (Chromium)', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const namespace = `envux-${randomBytes(3).toString('hex')}`;
  let hub: JupyterHub;
  let hubProxy: InProcessHubProxy;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  const openPanel = async (): Promise<Locator> => {
    const panel = await showSidePanel(page, PANEL);
    await panel.locator('[role=option]').first().waitFor({ timeout: 30_000 });
    return panel;
  };
  const pickTheme = (theme: ThemeName) => pickThemeFromMenu(page, theme);
  const card = (panel: Locator, name: string): Locator =>
    panel.locator('[role=option]').filter({ hasText: name });

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
    page = await newLabPage(browser);
    await logInToLab(page, hub.url, 'frank');
  });

  afterAll(async () => {
    await browser?.close();
    await hubProxy?.stop();
    await hub?.stop();
  });

  it('moves through the listbox with the arrow keys by aria-activedescendant and selects with Enter', async () => {
    const panel = await openPanel();
    const listbox = panel.getByRole('listbox', { name: 'Environments' });
    const options = panel.locator('[role=option]');
    const ids = await options.evaluateAll((nodes) => nodes.map((n) => n.id));
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length > 0)).toBe(true);

    await listbox.focus();
    expect(await listbox.getAttribute('tabindex')).toBe('0');
    await expect.poll(() => listbox.getAttribute('aria-activedescendant')).toBe(ids[0]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => listbox.getAttribute('aria-activedescendant')).toBe(ids[2]);
    // Moving is not selecting.
    expect(await options.nth(2).getAttribute('aria-selected')).toBe('false');
    await page.keyboard.press('Enter');
    await expect.poll(() => options.nth(2).getAttribute('aria-selected')).toBe('true');
    expect(await panel.locator('[role=option][aria-selected=true]').count()).toBe(1);
    // Focus stayed on the list; End and Home still move.
    await page.keyboard.press('End');
    await expect.poll(() => listbox.getAttribute('aria-activedescendant')).toBe(ids[ids.length - 1]);
    await page.keyboard.press('Home');
    await expect.poll(() => listbox.getAttribute('aria-activedescendant')).toBe(ids[0]);
  });

  it('expands a card low in the list in place, with its GPU picker under it and Switch in sight', async () => {
    const panel = await openPanel();
    const low = card(panel, LOW_CARD);
    await low.click();
    await expect.poll(() => low.getAttribute('aria-selected')).toBe('true');

    const picker = panel.locator('.jp-Turing-GpuPicker');
    await picker.waitFor({ timeout: 20_000 });
    const bar = panel.getByTestId('environment-action-bar');
    const switchButton = bar.getByRole('button', { name: `Switch to ${LOW_CARD}` });
    await switchButton.waitFor();
    // Let the smooth parts settle (none expected, the scroll is instant).
    await page.waitForTimeout(300);

    const visibleArea = await boxOf(panel.locator('.jp-SidePanel-content'));
    const viewport = { width: 1400, height: 900 };
    const button = await boxOf(switchButton);
    expect(button.y).toBeGreaterThanOrEqual(0);
    expect(button.y + button.height).toBeLessThanOrEqual(viewport.height);
    expect(button.x + button.width).toBeLessThanOrEqual(viewport.width);
    expect(button.y).toBeGreaterThanOrEqual(visibleArea.y);
    expect(button.y + button.height).toBeLessThanOrEqual(visibleArea.y + visibleArea.height + 1);
    expect(await bar.getByRole('button', { name: `Open as new server with ${LOW_CARD}` }).isVisible()).toBe(
      true,
    );

    // The picker starts right where the expanded card ends, not below the rest of the list.
    const cardBox = await boxOf(low);
    const pickerBox = await boxOf(picker);
    expect(pickerBox.y).toBeGreaterThanOrEqual(cardBox.y);
    expect(pickerBox.y).toBeLessThanOrEqual(cardBox.y + cardBox.height + 6);
    // ...and it is in view too, above the sticky bar.
    const barBox = await boxOf(bar);
    expect(pickerBox.y).toBeGreaterThanOrEqual(visibleArea.y);
    expect(pickerBox.y + pickerBox.height).toBeLessThanOrEqual(barBox.y + 1);
    expect(await picker.getByLabel('GPU type').isVisible()).toBe(true);
    await page.screenshot({ path: resolve(screenshots, 'environments-expanded.png') });
  });

  for (const theme of ['light', 'dark'] as ThemeName[]) {
    it(`has no serious or critical axe violations in the panel and the status-bar item (${theme})`, async () => {
      await pickTheme(theme);
      const panel = await openPanel();
      await card(panel, LOW_CARD).click();
      await panel.locator('.jp-Turing-GpuPicker').waitFor({ timeout: 20_000 });
      await panel.getByRole('listbox').focus();
      const status = page.getByTestId('environment-status');
      await status.waitFor({ timeout: 30_000 });
      expect(await seriousViolations(page, `#${PANEL}`)).toEqual([]);
      expect(await seriousViolations(page, '.jp-Turing-EnvStatusItem')).toEqual([]);
      await page.screenshot({ path: resolve(screenshots, `environments-expanded-${theme}.png`) });
    });
  }

  it('shows the switch progress in the sticky bar and announces it, then marks the new environment current', async () => {
    const panel = await openPanel();
    await card(panel, SWITCH_TARGET).click();
    const bar = panel.getByTestId('environment-action-bar');
    await bar.getByRole('button', { name: `Switch to ${SWITCH_TARGET}` }).click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByText('Switch environment?').waitFor();
    const reloaded = page.waitForEvent('load', { timeout: 120_000 });
    await dialog.getByRole('button', { name: 'Save and switch' }).click();

    const progress = bar.getByRole('progressbar', { name: 'Server start' });
    await progress.waitFor({ timeout: 15_000 });
    const progressBox = await boxOf(progress);
    const visibleArea = await boxOf(panel.locator('.jp-SidePanel-content'));
    expect(progressBox.y).toBeGreaterThanOrEqual(visibleArea.y);
    expect(progressBox.y + progressBox.height).toBeLessThanOrEqual(visibleArea.y + visibleArea.height + 1);
    const live = page.getByTestId('turing-live-region-polite');
    await expect
      .poll(() => live.textContent(), { timeout: 15_000 })
      .toMatch(new RegExp(`Stopping the server|Starting with ${SWITCH_TARGET.replace(/[()]/g, '\\$&')}`));

    await reloaded;
    await page.waitForSelector('.jp-LabShell', { timeout: 90_000 });
    const after = await openPanel();
    await card(after, SWITCH_TARGET).locator('.jp-Turing-Current-tag').waitFor({ timeout: 30_000 });
  });

  it('shows the current environment in the status bar and opens the panel on click and on Enter', async () => {
    const status = page.getByTestId('environment-status');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toBe(SWITCH_TARGET);
    expect(await status.getAttribute('aria-label')).toBe(
      `Environment: ${SWITCH_TARGET}. Open the Environments panel`,
    );
    const panel = page.locator(`#${PANEL}`);
    const hide = async () => {
      await showSidePanel(page, PANEL);
      await sidebarTab(page, PANEL).click();
      await panel.waitFor({ state: 'hidden' });
    };

    await hide();
    await status.click();
    await panel.waitFor({ state: 'visible', timeout: 10_000 });

    await hide();
    await status.focus();
    await page.keyboard.press('Enter');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
  });
});
