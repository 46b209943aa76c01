import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import { seriousViolations, useTheme, type ThemeName } from '../support/accessibility.js';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/eventually.js';
import { logInToLab, showSidePanel } from '../support/lab-page.js';
import {
  ModelsApi,
  browseTo,
  ownProbabilities,
  publishFromContextMenu,
  seededModel,
  v2Body,
} from '../support/model-publishing.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/e2e');
const user = 'lin';
const served = 'ctr-xgb';
/** A model without versions: listed, never served. */
const empty = 'ab-ranker';
const row = [0.1, 0.5, 0.9, 0.8];

// Issue 13's main-area Models view on the demo stack (local runtime, real
// MLServer): the Launcher card and the palette open it; the table shows rate
// and latency, sorts and filters; the detail page shows versions, the split
// and Try it; the panel leads into it; an edited Publish dialog asks before
// discarding; and axe finds nothing serious on any Models surface in either theme.
describe('Models main-area view, panel and publish dialog (Chromium)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-models-views-'));
  let stack: RunningDemoStack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let api: ModelsApi;
  let expected: number[];

  const view = () => page.locator('#turing-models-view');
  const table = () => view().getByTestId('models-table');
  const tableNames = () => table().locator('tbody tr [data-testid="models-table-open"]').allTextContents();
  const detail = () => view().getByTestId('models-view-detail');
  const noSerious = async (selector: string, what: string) => {
    const found = await seriousViolations(page, selector);
    expect(found, `${what}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
  };

  /** Opens the view from the command palette. */
  const openFromPalette = async (): Promise<void> => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Control+Shift+C');
    const input = page.locator('.lm-CommandPalette-input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('Open Turing Models View');
    await page.locator('.lm-CommandPalette-item', { hasText: 'Open Turing Models View' }).first().click();
    await view().waitFor({ state: 'visible', timeout: 30_000 });
  };

  /** Closes the view's tab, if open. */
  const closeView = async (): Promise<void> => {
    const tab = page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: 'Turing Models' });
    if ((await tab.count()) > 0) {
      await tab.locator('.lm-TabBar-tabCloseIcon').click();
      await view().waitFor({ state: 'detached', timeout: 10_000 });
    }
  };

  const openDetail = async (name: string): Promise<Locator> => {
    await table()
      .getByRole('button', { name: `Open model ${name}`, exact: true })
      .click();
    await detail().waitFor({ timeout: 10_000 });
    expect(await detail().getAttribute('data-model-name')).toBe(name);
    return detail();
  };

  /** Scans every Models surface in the current theme. */
  const scanSurfaces = async (theme: ThemeName): Promise<void> => {
    await openFromPalette();
    await table().waitFor({ timeout: 30_000 });
    await noSerious('#turing-models-view', `${theme} list`);
    await openDetail(served);
    await detail().getByTestId('model-try-body').waitFor();
    await noSerious('#turing-models-view', `${theme} detail`);

    const side = await showSidePanel(page, 'turing-models');
    const card = side.locator(`[data-testid="model-card"][data-model-name="${served}"]`);
    await card.waitFor({ timeout: 30_000 });
    if ((await card.getByTestId('model-try').count()) === 0) {
      await card.getByRole('button', { name: served, exact: true }).click();
    }
    await card.getByTestId('model-try').waitFor();
    await noSerious('#turing-models', `${theme} panel`);

    await browseTo(page, ['models', 'ctr-xgb']);
    const dialog = await publishFromContextMenu(page, 'model.json');
    await expect
      .poll(() => dialog.getByTestId('publish-source').getAttribute('data-format'), { timeout: 30_000 })
      .toBe('xgboost');
    await dialog.getByTestId('publish-runtime').locator('option:checked').waitFor({ state: 'attached' });
    await noSerious('[data-testid="publish-dialog"]', `${theme} publish dialog`);
    await dialog.getByTestId('publish-cancel').click();
    await dialog.waitFor({ state: 'detached' });
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    expected = ownProbabilities(row);
    stack = await startDemoStack({ stateDir });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await logInToLab(page, stack.url, user);
    api = new ModelsApi(stack.url, await stack.hub.tokenFor(user));
    await api.create(served);
    await api.publishFile(served, seededModel, { kind: 'replace' });
    await api.publishFile(served, seededModel, { kind: 'canary', percent: 20 });
    await api.create(empty);
    await eventually(
      `${served} ready with versions 1 and 2`,
      120_000,
      async () => {
        const m = await api.model(served);
        return m.status.phase === 'Ready' && m.status.servingVersions.join(',') === '1,2';
      },
      1_000,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('opens the view from its Launcher card and from the palette', async () => {
    if (!(await page.locator('.jp-Launcher').isVisible())) {
      await showSidePanel(page, 'filebrowser');
      await page.locator('#filebrowser [data-command="launcher:create"]').click();
    }
    await page.locator('.jp-Launcher').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.screenshot({ path: join(screenshots, 'models-view-launcher.png') });
    const card = page
      .locator('.jp-Launcher:visible .jp-LauncherCard')
      .filter({ has: page.locator('.jp-LauncherCard-label', { hasText: /^Turing Models$/ }) });
    await card.click({ timeout: 30_000 });
    await view().waitFor({ state: 'visible', timeout: 30_000 });
    await table().waitFor({ timeout: 30_000 });
    expect(await page.locator('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current').textContent()).toContain(
      'Turing Models',
    );

    await closeView();
    await openFromPalette();
    await table().waitFor({ timeout: 30_000 });
  });

  it('lists the models with rate and latency, sorts and filters them', async () => {
    await expect.poll(tableNames, { timeout: 30_000 }).toEqual([empty, served]);
    const servedRow = table().getByTestId(`models-table-row-${served}`);
    expect(await servedRow.getByTestId('models-table-replicas').textContent()).toBe('1/1');
    expect(await servedRow.textContent()).toContain('v1 80% · v2 20% canary');

    // Calls through the gateway while the table refreshes: the rate and p95 columns fill in.
    let calling = true;
    const load = (async () => {
      while (calling) {
        expect(await api.predict(served, row)).toBe(200);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      await expect
        .poll(() => servedRow.getByTestId('models-table-p95').textContent(), { timeout: 60_000 })
        .toMatch(/^[\d.]+ (ms|s)$/);
      await expect
        .poll(() => servedRow.getByTestId('models-table-rate').textContent(), { timeout: 60_000 })
        .toMatch(/^(?!0\/s)[\d.]+\/s$/);
    } finally {
      calling = false;
      await load;
    }
    expect(
      await table().getByTestId(`models-table-row-${empty}`).getByTestId('models-table-p95').textContent(),
    ).toBe('–');

    // Sorting: by name descending, then by ready replicas.
    const nameHeader = table().locator('th', { has: page.locator('button[data-column="name"]') });
    expect(await nameHeader.getAttribute('aria-sort')).toBe('ascending');
    await nameHeader.locator('button').click();
    expect(await nameHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await tableNames()).toEqual([served, empty]);
    await table().locator('button[data-column="replicas"]').click();
    expect(await tableNames()).toEqual([empty, served]);

    // Filtering by name and by state.
    const filter = view().getByTestId('models-view-filter');
    await filter.fill('ctr');
    expect(await tableNames()).toEqual([served]);
    expect(await view().getByTestId('models-view-count').textContent()).toBe('1 model');
    await filter.fill('pending');
    expect(await tableNames()).toEqual([empty]);
    await filter.fill('no-such-model');
    expect(await tableNames()).toEqual([]);
    await table().getByTestId('models-table-empty').waitFor();
    await filter.fill('');
    expect((await tableNames()).sort()).toEqual([empty, served]);
    await page.screenshot({ path: join(screenshots, 'models-view-list.png') });
  });

  it('shows a model’s versions, traffic split and a Try it prediction on its detail page', async () => {
    const page1 = await openDetail(served);
    const versions = page1.getByTestId('model-versions-table');
    const v2 = versions.getByTestId('model-versions-table-row-2');
    const v1 = versions.getByTestId('model-versions-table-row-1');
    expect(await v2.getByTestId('model-version-traffic').textContent()).toBe('20%');
    expect(await v1.getByTestId('model-version-traffic').textContent()).toBe('80%');
    expect(await v2.getByTestId('model-version-state').textContent()).toBe('canary, loaded');
    expect(await v1.getByTestId('model-version-state').textContent()).toBe('stable, loaded');
    expect(await page1.getByTestId('model-traffic-summary').textContent()).toBe('v1 80% · v2 20% canary');
    expect(await page1.getByTestId('model-canary-slider').inputValue()).toBe('20');
    expect(await page1.getByRole('button', { name: 'Promote version 2 of ctr-xgb' }).isEnabled()).toBe(true);
    await page1.getByTestId('model-stats-p95').waitFor();

    await page1.getByTestId('model-try-body').fill(v2Body(row));
    await page1.getByRole('button', { name: `Send the request to ${served}` }).click();
    const status = page1.getByTestId('model-try-status');
    await status.waitFor({ timeout: 30_000 });
    expect(await status.getAttribute('data-status')).toBe('200');
    const answer = JSON.parse((await page1.getByTestId('model-try-output').textContent()) ?? '') as {
      outputs: Array<{ data: number[] }>;
    };
    const probabilities = answer.outputs[0]?.data ?? [];
    expect(probabilities).toHaveLength(2);
    probabilities.forEach((p, i) => expect(p).toBeCloseTo(expected[i] ?? NaN, 5));
    await page.screenshot({ path: join(screenshots, 'models-view-detail.png') });

    await page1.getByRole('button', { name: 'All models' }).click();
    await table().waitFor();
  });

  it('opens a model’s detail page from the panel’s "Open in main area"', async () => {
    const side = await showSidePanel(page, 'turing-models');
    await side.getByRole('button', { name: `Open model ${served} in main area` }).click();
    await detail().waitFor({ timeout: 10_000 });
    expect(await detail().getAttribute('data-model-name')).toBe(served);
    // The panel's header button opens the view too.
    expect(await side.getByRole('button', { name: 'Open the models view in the main area' }).count()).toBe(1);
    // The panel filters its cards.
    await side.getByTestId('models-filter').fill('ranker');
    expect(
      await side
        .locator('[data-testid="model-card"]')
        .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-model-name'))),
    ).toEqual([empty]);
    await side.getByTestId('models-filter').fill('');
  });

  it('asks before discarding an edited publish dialog on Escape', async () => {
    await browseTo(page, ['models', 'ctr-xgb']);
    const dialog = await publishFromContextMenu(page, 'model.json');
    await expect
      .poll(() => dialog.getByTestId('publish-source').getAttribute('data-format'), { timeout: 30_000 })
      .toBe('xgboost');
    const name = dialog.getByTestId('publish-name');
    await name.fill(served);
    // An existing serving model: the button says what the rollout does.
    await expect
      .poll(() => dialog.getByTestId('publish-submit').textContent(), { timeout: 30_000 })
      .toBe('Publish as canary');
    await name.press('Escape');
    const prompt = dialog.getByTestId('discard-prompt');
    await prompt.waitFor({ timeout: 5_000 });
    expect(await dialog.getByTestId('discard-keep').evaluate((b) => b === document.activeElement)).toBe(true);
    // Keep editing: the form and what was typed stay.
    await page.keyboard.press('Escape');
    await prompt.waitFor({ state: 'detached' });
    expect(await name.inputValue()).toBe(served);
    // Escape again, then Discard closes it.
    await page.keyboard.press('Escape');
    await dialog.getByTestId('discard-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    expect((await api.model(served)).versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('has no serious or critical axe findings on the Models surfaces in the light theme', async () => {
    await closeView();
    await useTheme(page, 'light');
    await scanSurfaces('light');
  });

  it('has no serious or critical axe findings on the Models surfaces in the dark theme', async () => {
    await useTheme(page, 'dark');
    await scanSurfaces('dark');
    await page.screenshot({ path: join(screenshots, 'models-view-dark.png') });
    await useTheme(page, 'light');
  });
});
