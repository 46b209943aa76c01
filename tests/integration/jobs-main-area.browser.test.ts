import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import type { ThemeName } from '../support/accessibility.js';
import { seriousViolations, useTheme } from '../support/accessibility.js';
import { launchChromium } from '../support/chromium.js';
import { logInToLab } from '../support/lab-page.js';
import { pythonNotebook } from '../support/notebooks.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/e2e');
const user = 'lin';
const JOB_COUNT = 30;
const names = Array.from({ length: JOB_COUNT }, (_, i) => `report-${String(i + 1).padStart(2, '0')}`);
/** What the jobs' notebook prints: the log must show it. */
const GREETING = 'hello from the jobs view';

// The main-area Turing Jobs view on the demo stack: opened from the palette
// and the Launcher, a table of 30 jobs that pages, sorts and filters, and a
// job's page with its definition, runs, chart and a run's log, all with no
// serious accessibility violations in either theme.
describe('The main-area Turing Jobs view (Chromium)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-e2e-jobs-view-'));
  let stack: RunningDemoStack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let token: string;

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.url}/services/turing/api/v1${path}`, {
      ...init,
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    });
  const view = () => page.locator('#turing-jobs-view');
  const table = () => view().getByTestId('jobs-table');
  /** The job names of the table's rows, top to bottom. */
  const shownNames = async (): Promise<string[]> =>
    table()
      .locator('tbody [data-job-key]')
      .evaluateAll((els) => els.map((el) => el.textContent ?? ''));

  /** Runs a command through the command palette, as a user types it. */
  async function fromPalette(label: string): Promise<void> {
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#modal-command-palette');
    await palette.waitFor({ state: 'visible', timeout: 30_000 });
    // Typed before the input has the focus, the letters would be notebook shortcuts.
    const input = palette.locator('.lm-CommandPalette-input');
    await expect
      .poll(() => input.evaluate((el) => el === document.activeElement), { timeout: 30_000 })
      .toBe(true);
    await page.keyboard.type(label);
    await palette.locator('.lm-CommandPalette-item', { hasText: label }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
  }

  /** Filters the table down to the job (it may be on another page) and opens its page. */
  async function openDetail(name: string): Promise<Locator> {
    await view().getByTestId('jobs-table-filter').fill(name);
    await table()
      .getByRole('button', { name: `Open job ${name}`, exact: true })
      .click();
    const detail = view().getByTestId('job-detail-page');
    await detail.getByRole('heading', { level: 1, name }).waitFor({ timeout: 30_000 });
    return detail;
  }

  async function expectAccessible(theme: ThemeName, selector: string): Promise<void> {
    const found = await seriousViolations(page, selector);
    expect(found, `${theme} ${selector}: ${JSON.stringify(found, null, 2)}`).toEqual([]);
  }

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    stack = await startDemoStack({ stateDir });
    await stack.hub.createUser(user);
    token = await stack.hub.tokenFor(user);
    const content = pythonNotebook({ parameters: 'n = 1', cells: [`print("${GREETING}", n)`] });
    // Only report-05 has its own parameters (shown on its page, printed by its runs).
    for (const [i, name] of names.entries()) {
      const created = await api('/jobs', {
        method: 'POST',
        body: JSON.stringify({
          name,
          environment: 'cpu-base',
          notebook: { path: `${name}.ipynb`, content },
          ...(name === 'report-05' ? { parameters: { n: 2 } } : {}),
          // Every other job on a schedule in a named zone, the rest on demand.
          ...(i % 2 === 0 ? { schedule: { cron: '0 2 * * *', timezone: 'Europe/Berlin' } } : {}),
          retries: 0,
          outputs: ['ipynb'],
        }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
    }
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await logInToLab(page, stack.url, user);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('opens from the Launcher card and from the command palette', async () => {
    // A fresh lab shows a Launcher; open one if this one does not.
    if ((await page.locator('.jp-Launcher').count()) === 0) {
      await fromPalette('New Launcher');
    }
    // The card is named "Turing Jobs", not the palette's "Open Turing Jobs View".
    const card = page
      .locator('.jp-LauncherCard[data-category="Turing"]')
      .filter({ has: page.locator('.jp-LauncherCard-label', { hasText: /^Turing Jobs$/ }) });
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getAttribute('title')).toMatch(/table of your Turing jobs/);
    await card.click();
    await table().waitFor({ timeout: 30_000 });
    const tab = page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: 'Turing Jobs' });
    expect(await tab.count()).toBe(1);

    // Closed, the palette opens it again (one tab, however often it is asked for).
    await tab.locator('.lm-TabBar-tabCloseIcon').click();
    await view().waitFor({ state: 'detached' });
    await fromPalette('Open Turing Jobs View');
    await table().waitFor({ timeout: 30_000 });
    await fromPalette('Open Turing Jobs View');
    expect(await tab.count()).toBe(1);
  });

  it('pages 30 jobs 25 at a time, sorts by name and filters by name', async () => {
    await expect.poll(() => shownNames(), { timeout: 30_000 }).toHaveLength(25);
    expect(await view().getByTestId('jobs-table-page').textContent()).toBe('Page 1 of 2');
    expect((await shownNames())[0]).toBe('report-01');
    expect(await view().getByTestId('jobs-table-count').textContent()).toBe('30 jobs');
    await view().getByTestId('jobs-table-next').click();
    expect(await shownNames()).toEqual(names.slice(25));
    expect(await view().getByTestId('jobs-table-page').textContent()).toBe('Page 2 of 2');
    await view().getByTestId('jobs-table-previous').click();

    // Sorted by name ascending at first: one more press descends.
    const nameHeader = table().locator('th', { has: page.locator('button[data-column="name"]') });
    expect(await nameHeader.getAttribute('aria-sort')).toBe('ascending');
    await nameHeader.getByRole('button').click();
    expect(await nameHeader.getAttribute('aria-sort')).toBe('descending');
    expect((await shownNames()).slice(0, 3)).toEqual(['report-30', 'report-29', 'report-28']);

    // The schedule and next run are in the job's zone, named.
    const scheduled = table().getByTestId('jobs-table-row-lin/report-29');
    expect(await scheduled.getByTestId('jobs-table-schedule-report-29').textContent()).toBe(
      'At 02:00 (Europe/Berlin)',
    );
    expect(await scheduled.getByTestId('jobs-table-next-report-29').textContent()).toMatch(
      /^02:00 Europe\/Berlin in \d+ (h|min)$/,
    );

    await view().getByTestId('jobs-table-filter').fill('report-1');
    // Still sorted by name, descending.
    await expect.poll(() => shownNames()).toEqual(names.slice(9, 19).reverse());
    expect(await view().getByTestId('jobs-table-count').textContent()).toBe('10 of 30 jobs');
    expect(await view().getByTestId('jobs-table-pager').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'jobs-view-table-filtered.png') });
    await view().getByTestId('jobs-table-filter').fill('');
    await expect.poll(() => shownNames()).toHaveLength(25);
    await page.screenshot({ path: join(screenshots, 'jobs-view-table.png') });
  });

  it('shows a job page with its definition, runs table, chart and the log of a run started there', async () => {
    const detail = await openDetail('report-05');
    // Focus moves to the page's heading, for keyboard and screen-reader users.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('report-05');
    const definition = detail.getByTestId('job-definition');
    expect(await definition.getByTestId('job-definition-notebook').textContent()).toContain(
      'report-05.ipynb',
    );
    expect(await definition.getByTestId('job-definition-environment').textContent()).toContain('cpu-base');
    expect(await definition.getByTestId('job-definition-schedule').textContent()).toContain(
      'At 02:00 (Europe/Berlin)',
    );
    expect(await definition.getByTestId('job-definition-parameters').textContent()).toContain('n = 2');
    expect(await detail.getByTestId('runs-table-empty').textContent()).toContain('No runs yet');

    await detail.getByTestId('job-detail-run').click();
    const runState = detail.locator('[data-testid^="runs-table-state-"]').first();
    await runState.waitFor({ timeout: 30_000 });
    const runId = ((await runState.getAttribute('data-testid')) ?? '').slice('runs-table-state-'.length);
    await expect.poll(() => runState.textContent(), { timeout: 120_000 }).toBe('succeeded');
    // Run now shows the new run's log.
    const log = detail.getByTestId('run-log-text');
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain(`${GREETING} 2`);
    expect(await detail.getByRole('heading', { level: 2, name: `Log of run ${runId}` }).count()).toBe(1);
    await detail.getByTestId('duration-chart').waitFor({ timeout: 30_000 });
    expect(await detail.getByTestId(`runs-table-row-${runId}`).getAttribute('aria-selected')).toBe('true');
    await detail.getByTestId('job-detail-latest-output').waitFor();
    await page.screenshot({ path: join(screenshots, 'jobs-view-detail.png') });

    // Back to the table, the focus returns to the job's name.
    await detail.getByTestId('job-detail-back').click();
    await table().waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Open job report-05',
    );
    await expect
      .poll(() => table().getByTestId('jobs-table-last-report-05').textContent(), { timeout: 30_000 })
      .toMatch(/^succeeded/);
  });

  it('has no serious or critical accessibility violations on the table and the job page, light and dark', async () => {
    for (const theme of ['light', 'dark'] as const) {
      await useTheme(page, theme);
      // The view comes back with the layout; the palette opens it if it did not.
      if (!(await view().isVisible())) {
        await fromPalette('Open Turing Jobs View');
      }
      await expect.poll(() => shownNames(), { timeout: 30_000 }).toHaveLength(25);
      await expectAccessible(theme, '#turing-jobs-view');
      const detail = await openDetail('report-05');
      await detail.getByTestId('duration-chart').waitFor({ timeout: 30_000 });
      await detail
        .getByRole('button', { name: /^Show the log of run / })
        .first()
        .click();
      await detail.getByTestId('run-log-text').waitFor();
      await expectAccessible(theme, '#turing-jobs-view');
      if (theme === 'dark') {
        await page.screenshot({ path: join(screenshots, 'jobs-view-detail-dark.png') });
      }
      await detail.getByTestId('job-detail-back').click();
    }
    await useTheme(page, 'light');
  });
});
