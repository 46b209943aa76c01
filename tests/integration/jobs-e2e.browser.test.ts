import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../hub-proxy/src/environments/index.js';
import { startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import { launchChromium } from '../support/chromium.js';
import {
  currentNotebook,
  logInToLab,
  newLabPage,
  openNotebook,
  openScheduleDialog,
  showSidePanel,
  sidebarTab,
} from '../support/lab-page.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/e2e');
const user = 'ada';
const example = 'ctr-report.ipynb';

interface NotebookJson {
  cells: Array<{ cell_type: string; source: string | string[]; metadata: { tags?: string[] } }>;
}
const sourceOf = (cell: NotebookJson['cells'][number]) =>
  Array.isArray(cell.source) ? cell.source.join('') : cell.source;

/** `running (cell i of n)` with i < n. */
function isRunningMidway(step: string): boolean {
  const match = /^running \(cell (\d+) of (\d+)\)$/.exec(step);
  return match !== null && Number(match[1]) < Number(match[2]);
}

// The scenario a new user follows on the stack `npm run demo` starts (local
// runtime, filesystem artifacts, a fresh state directory): log in, look at
// the environments, schedule the example notebook with a changed parameter
// and run it now, open its output, then create a cron job and pause it.
// Each step leaves a screenshot in test-results/e2e/.
describe('Jobs end to end on the demo stack (Chromium)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-e2e-'));
  let stack: RunningDemoStack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  // One page for the whole scenario: each step continues where the last ended.
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) });
  const api = async <T>(path: string, token: string): Promise<T> => {
    const res = await fetch(`${stack.url}/services/turing/api/v1${path}`, {
      headers: { Authorization: `token ${token}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    stack = await startDemoStack({ stateDir });
    browser = await launchChromium();
    page = await newLabPage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('logs a new user in to JupyterLab with the Turing panels and the example notebook', async () => {
    await logInToLab(page, stack.url, user);
    await expect.poll(() => page.locator('.lm-TabBar-tab[data-id="turing-jobs"]').count()).toBe(1);
    await expect.poll(() => page.locator('.lm-TabBar-tab[data-id="turing-environments"]').count()).toBe(1);
    const files = await showSidePanel(page, 'filebrowser');
    await files.locator('.jp-DirListing-itemText', { hasText: example }).waitFor({ timeout: 30_000 });
    await shot('01-lab');
  });

  it('lists the environment catalog in the Environments panel', async () => {
    const catalog = loadCatalog();
    const panel = await showSidePanel(page, 'turing-environments');
    expect(await panel.getAttribute('aria-label')).toBe('Turing Environments');
    const items = panel.locator('.jp-Turing-EnvItem');
    await items.first().waitFor({ timeout: 30_000 });
    expect(await items.count()).toBe(catalog.environments.length);
    for (const environment of catalog.environments) {
      await expect.poll(() => panel.getByText(environment.displayName).count()).toBeGreaterThan(0);
    }
    await shot('02-environments');
    // Out of the way for the next steps, as a user would close it.
    await sidebarTab(page, 'turing-environments').click();
    await panel.waitFor({ state: 'hidden' });
  });

  it('schedules the example with a changed parameter, runs it now with live progress, and opens the output with the injected value', async () => {
    const notebook = await openNotebook(page, example);
    const dialog = await openScheduleDialog(page, notebook);
    // Pre-filled from the cell tagged `parameters`, with types.
    expect(await dialog.getByLabel('Job name').inputValue()).toBe('ctr-report');
    expect(await dialog.getByLabel('Value of date').inputValue()).toBe('2026-11-28');
    expect(await dialog.getByLabel('Value of region').inputValue()).toBe('emea');
    expect(await dialog.getByLabel('Type of threshold').inputValue()).toBe('number');
    expect(await dialog.getByLabel('Value of threshold').inputValue()).toBe('0.5');
    await dialog.getByLabel('Value of region').fill('apac');
    expect(await dialog.getByTestId('schedule-when-now').isChecked()).toBe(true);
    await shot('03-schedule-dialog');

    const clicked = Date.now();
    await dialog.getByTestId('schedule-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const jobs = page.locator('#turing-jobs');
    await jobs.waitFor({ state: 'visible', timeout: 30_000 });
    await jobs.getByTestId('job-ctr-report').waitFor({ timeout: 30_000 });
    const stateBadge = jobs.locator('[data-testid^="run-state-"]').first();
    await stateBadge.waitFor({ timeout: 30_000 });
    const runId = ((await stateBadge.getAttribute('data-testid')) ?? '').slice('run-state-'.length);
    expect(runId).not.toBe('');

    // Watch the run as the user would: the badge and the progress bar, until it ends.
    const progress = jobs.getByTestId(`run-progress-${runId}`).getByRole('progressbar', { name: 'Progress' });
    const seen: string[] = [];
    let progressShot = false;
    let state = '';
    while (Date.now() - clicked < 150_000) {
      state = (await stateBadge.textContent()) ?? '';
      const cells = (await progress.count()) ? await progress.getAttribute('aria-valuetext') : null;
      const step = `${state}${cells ? ` (${cells})` : ''}`;
      if (seen[seen.length - 1] !== step) seen.push(step);
      if (state === 'running' && cells && !progressShot) {
        progressShot = true;
        await shot('04-run-progress');
      }
      if (!['queued', 'running'].includes(state)) break;
      await page.waitForTimeout(100);
    }
    const seconds = (Date.now() - clicked) / 1000;
    console.log(`[e2e] "Run now" to "${state}": ${seconds.toFixed(1)} s; states seen: ${seen.join(' -> ')}`);
    expect(state).toBe('succeeded');
    // Live progress: while running, the bar showed a cell short of the last one.
    expect(seen.some(isRunningMidway)).toBe(true);
    await shot('05-run-succeeded');

    await jobs.getByTestId(`run-${runId}`).getByRole('button', { name: 'Open output' }).click();
    await page
      .locator('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current', { hasText: `${runId}.ipynb` })
      .waitFor({ timeout: 30_000 });
    const output = currentNotebook(page);
    await output.getByText('region = "apac"').first().waitFor({ timeout: 30_000 });
    await output.getByText('CTR report for APAC on 2026-11-28').waitFor({ timeout: 30_000 });
    await shot('06-output');

    // The saved copy: papermill's injected cell follows the parameters cell.
    const saved = JSON.parse(
      readFileSync(join(stateDir, 'home', user, 'turing-outputs', 'ctr-report', `${runId}.ipynb`), 'utf8'),
    ) as NotebookJson;
    const injected = saved.cells.find((c) => c.metadata.tags?.includes('injected-parameters'));
    expect(injected && sourceOf(injected)).toContain('region = "apac"');
    const token = await stack.hub.tokenFor(user);
    const run = await api<{ parameters: Record<string, unknown> }>(`/runs/${runId}`, token);
    expect(run.parameters).toMatchObject({ region: 'apac', date: '2026-11-28', threshold: 0.5 });
  });

  it('creates a cron job whose next run times show, and pauses it', async () => {
    await page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: example }).click();
    const dialog = await openScheduleDialog(page, currentNotebook(page));
    await dialog.getByLabel('Job name').fill('ctr-weekday-morning');
    await dialog.getByTestId('schedule-when-schedule').check();
    await dialog.getByLabel('Cron expression').fill('30 6 * * 1-5');
    await dialog.getByLabel('Time zone').fill('Europe/Berlin');
    const nextRuns = dialog.getByRole('list', { name: 'Next runs' });
    await expect.poll(() => nextRuns.locator('li').count(), { timeout: 30_000 }).toBe(5);
    expect(await dialog.getByTestId('schedule-description').textContent()).toMatch(
      /06:30.*Monday through Friday/,
    );
    await shot('07-cron-dialog');

    await dialog.getByTestId('schedule-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const jobs = page.locator('#turing-jobs');
    const job = jobs.getByTestId('job-ctr-weekday-morning');
    await job.waitFor({ timeout: 30_000 });
    expect(await jobs.getByTestId('job-state-ctr-weekday-morning').textContent()).toBe('scheduled');
    expect(await jobs.getByTestId('job-next-ctr-weekday-morning').textContent()).toMatch(/^Next run: .+/);
    await shot('08-cron-job');

    await job.getByRole('button', { name: 'Pause' }).click();
    await expect
      .poll(() => jobs.getByTestId('job-state-ctr-weekday-morning').textContent(), { timeout: 30_000 })
      .toBe('paused');
    await job.getByRole('button', { name: 'Resume' }).waitFor();
    // A paused job shows no next run.
    expect(await jobs.getByTestId('job-next-ctr-weekday-morning').count()).toBe(0);
    await shot('09-cron-job-paused');

    const stored = await api<{ suspended: boolean; schedule?: { cron: string; timezone: string } }>(
      '/jobs/ctr-weekday-morning',
      await stack.hub.tokenFor(user),
    );
    expect(stored).toMatchObject({
      suspended: true,
      schedule: { cron: '30 6 * * 1-5', timezone: 'Europe/Berlin' },
    });
  });
});
