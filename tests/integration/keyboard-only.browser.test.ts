import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import { launchChromium } from '../support/chromium.js';
import { newLabPage } from '../support/lab-page.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/e2e');
const user = 'kim';
const job = 'kbd-report';
/** The example notebook prints this line with its default parameters. */
const PRINTED = 'CTR report for EMEA on 2026-11-28';

interface Run {
  id: string;
  state: string;
}

/** Whether `target` has the keyboard focus. */
function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement).catch(() => false);
}

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus, as a keyboard
 * user moves through the page; fails after `max` presses.
 */
async function tabTo(
  page: Page,
  target: Locator,
  options: { backward?: boolean; max?: number } = {},
): Promise<void> {
  const max = options.max ?? 80;
  await target.waitFor({ state: 'visible', timeout: 60_000 });
  for (let presses = 0; presses <= max; presses += 1) {
    if (await isFocused(target)) {
      return;
    }
    await page.keyboard.press(options.backward ? 'Shift+Tab' : 'Tab');
  }
  const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
  throw new Error(`${String(target)} not reached in ${max} presses; the focus is on ${focused}`);
}

// A keyboard-only user (no mouse call at all): schedule a notebook, find
// the job in the Turing Jobs view, run it, read its log and delete it.
describe('Turing Jobs with the keyboard only (Chromium)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-e2e-keyboard-'));
  let stack: RunningDemoStack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let token: string;
  const shot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) });
  const api = (path: string) =>
    fetch(`${stack.url}/services/turing/api/v1${path}`, { headers: { Authorization: `token ${token}` } });
  const runs = async (): Promise<Run[]> => {
    const res = await api(`/jobs/${job}/runs`);
    return res.status === 200 ? ((await res.json()) as { items: Run[] }).items : [];
  };
  const ended = (run: Run) => !['queued', 'running'].includes(run.state);

  /**
   * Runs a command through the command palette: Ctrl+Shift+C, its label,
   * Enter. On a lab that is still settling (a notebook that finishes loading
   * takes the focus back, or the command is not listed yet) the palette is
   * closed with Escape and opened again: typed elsewhere, the letters would
   * be notebook shortcuts.
   */
  async function fromPalette(label: string): Promise<void> {
    const palette = page.locator('#modal-command-palette');
    const input = palette.locator('.lm-CommandPalette-input');
    const item = palette.locator('.lm-CommandPalette-item', { hasText: label }).first();
    for (let attempt = 1; ; attempt += 1) {
      await page.keyboard.press('Control+Shift+C');
      const ready = await expect
        .poll(() => isFocused(input), { timeout: 5_000 })
        .toBe(true)
        // A query left from an earlier attempt is replaced, not appended to.
        .then(() => page.keyboard.press('Control+A'))
        .then(() => page.keyboard.type(label))
        .then(() => item.waitFor({ timeout: 10_000 }))
        .then(() => isFocused(input))
        .catch(() => false);
      if (ready) {
        break;
      }
      if (attempt === 6) {
        await page.screenshot({ path: join(screenshots, 'keyboard-palette-failed.png') });
        throw new Error(`the command palette never offered "${label}" with the focus in its input`);
      }
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
    await page.keyboard.press('Enter');
    await palette.waitFor({ state: 'hidden', timeout: 30_000 });
  }

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    stack = await startDemoStack({ stateDir });
    await stack.hub.createUser(user);
    token = await stack.hub.tokenFor(user);
    browser = await launchChromium();
    page = await newLabPage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('logs in and schedules the open notebook from the command palette', async () => {
    await page.goto(`${stack.url}/hub/login`);
    // The user name field has the focus on load.
    await page.keyboard.type(user);
    await page.keyboard.press('Tab');
    await page.keyboard.type('any-password');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/user/${user}/lab`), { timeout: 90_000 });
    await page.goto(`${stack.url}/user/${user}/lab/tree/ctr-report.ipynb`);
    await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').first().waitFor({ timeout: 90_000 });

    await fromPalette('Schedule Notebook');
    const dialog = page.getByRole('dialog', { name: 'Schedule notebook' });
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.getByLabel('Environment').locator('option:checked:not([value=""])').waitFor({
      state: 'attached',
      timeout: 30_000,
    });
    const name = dialog.getByLabel('Job name');
    await tabTo(page, name);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(job);
    expect(await name.inputValue()).toBe(job);
    // "Run now" is the default: the job is created and runs once.
    await tabTo(page, dialog.getByTestId('schedule-submit'));
    await shot('keyboard-01-schedule');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(async () => (await api(`/jobs/${job}`)).status, { timeout: 30_000 }).toBe(200);
  });

  it("opens the job's page from the Turing Jobs view, runs it now and reads its log", async () => {
    await fromPalette('Open Turing Jobs View');
    const view = page.locator('#turing-jobs-view');
    await tabTo(page, view.getByRole('button', { name: `Open job ${job}`, exact: true }));
    await page.keyboard.press('Enter');
    const detail = view.getByTestId('job-detail-page');
    const heading = detail.getByRole('heading', { level: 1, name: job });
    await heading.waitFor({ timeout: 30_000 });
    // Opening a job moves the focus to its heading.
    expect(await isFocused(heading)).toBe(true);

    await expect.poll(async () => (await runs()).length, { timeout: 30_000 }).toBe(1);
    const first = (await runs())[0] as Run;
    // The dialog's run first: the job forbids overlapping runs.
    await expect.poll(async () => (await runs()).every(ended), { timeout: 180_000 }).toBe(true);
    await tabTo(page, detail.getByTestId('job-detail-run'));
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await runs()).length, { timeout: 30_000 }).toBe(2);
    await expect.poll(async () => (await runs()).every(ended), { timeout: 180_000 }).toBe(true);
    expect((await runs()).map((r) => r.state)).toEqual(['succeeded', 'succeeded']);

    // Run now showed the new run's log; the first run's is a Tab away.
    await tabTo(page, detail.getByRole('button', { name: `Show the log of run ${first.id}` }));
    await page.keyboard.press('Enter');
    await detail
      .getByRole('heading', { level: 2, name: `Log of run ${first.id}` })
      .waitFor({ timeout: 30_000 });
    const log = detail.getByTestId('run-log-text');
    await expect.poll(() => log.textContent(), { timeout: 60_000 }).toContain(PRINTED);
    await shot('keyboard-02-log');
  });

  it('deletes the job: the confirmation focuses Cancel, Tab reaches Delete', async () => {
    const view = page.locator('#turing-jobs-view');
    await tabTo(page, view.getByTestId('job-detail-delete'), { backward: true });
    await page.keyboard.press('Enter');
    const confirm = page.locator('.jp-Dialog');
    await confirm.waitFor({ timeout: 30_000 });
    const cancel = confirm.getByRole('button', { name: 'Cancel' });
    await expect.poll(() => isFocused(cancel)).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused(confirm.getByRole('button', { name: 'Delete' }))).toBe(true);
    await shot('keyboard-03-delete');
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(async () => (await api(`/jobs/${job}`)).status, { timeout: 30_000 }).toBe(404);
    // Back on the table, with the focus on its heading (the job's row is gone).
    await view.getByTestId('jobs-table-view').waitFor({ state: 'visible' });
    expect(await isFocused(view.getByRole('heading', { level: 1, name: 'Turing Jobs' }))).toBe(true);
  });
});
