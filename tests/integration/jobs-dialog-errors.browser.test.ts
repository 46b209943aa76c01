import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import { launchChromium } from '../support/chromium.js';
import { logInToLab, newLabPage, openNotebook, openScheduleDialog } from '../support/lab-page.js';
import { DATES_NOTEBOOK } from '../support/notebooks.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/e2e');
const user = 'grace';

// Mistakes in the Schedule dialog end in readable messages next to the field
// to fix, and the dialog stays open with what the user typed.
describe('Schedule dialog errors on the demo stack (Chromium)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-e2e-errors-'));
  let stack: RunningDemoStack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let token: string;
  const shot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) });
  const jobStatus = async (name: string): Promise<number> => {
    const res = await fetch(`${stack.url}/services/turing/api/v1/jobs/${name}`, {
      headers: { Authorization: `token ${token}` },
    });
    await res.body?.cancel();
    return res.status;
  };
  const jobParameters = async (name: string): Promise<unknown> => {
    const res = await fetch(`${stack.url}/services/turing/api/v1/jobs/${name}`, {
      headers: { Authorization: `token ${token}` },
    });
    return ((await res.json()) as { parameters: unknown }).parameters;
  };
  const submitAndExpectSaved = async (dialog: Locator, name: string) => {
    await dialog.getByTestId('schedule-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('#turing-jobs').getByTestId(`job-${name}`).waitFor({ timeout: 30_000 });
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    // In the home before the first spawn; the demo's seeding adds the examples beside it.
    mkdirSync(join(stateDir, 'home', user), { recursive: true });
    writeFileSync(join(stateDir, 'home', user, 'dates.ipynb'), JSON.stringify(DATES_NOTEBOOK));
    stack = await startDemoStack({ stateDir });
    browser = await launchChromium();
    page = await newLabPage(browser);
    await logInToLab(page, stack.url, user);
    token = await stack.hub.tokenFor(user);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('shows why a cron expression is invalid, at the cron field, and creates no job', async () => {
    const dialog = await openScheduleDialog(page, await openNotebook(page, 'ctr-report.ipynb'));
    await dialog.getByLabel('Job name').fill('bad-cron');
    await dialog.getByTestId('schedule-when-schedule').check();
    await dialog.getByLabel('Cron expression').fill('61 * * * *');
    // The preview asks hub-proxy while the user types.
    const preview = dialog.getByTestId('schedule-preview-error');
    await preview.waitFor({ timeout: 30_000 });
    expect(await preview.textContent()).toBe('Invalid cron expression: Invalid value for minute: 61.');
    expect(await dialog.getByTestId('schedule-next-runs').count()).toBe(0);

    await dialog.getByTestId('schedule-submit').click();
    const inline = dialog.getByTestId('schedule-error-cron');
    await inline.waitFor({ timeout: 30_000 });
    const message = (await inline.textContent()) ?? '';
    console.log(`[e2e] invalid cron: ${message}`);
    expect(message).toBe('Invalid cron expression: Invalid value for minute: 61.');
    expect(await dialog.getByLabel('Cron expression').getAttribute('aria-invalid')).toBe('true');
    // Said once at the field: the live preview no longer repeats it.
    expect(await preview.count()).toBe(0);
    expect(await dialog.getByTestId('schedule-error').textContent()).toContain('Validation Failed');
    expect(await dialog.getByLabel('Cron expression').inputValue()).toBe('61 * * * *');
    await shot('21-error-invalid-cron');
    expect(await jobStatus('bad-cron')).toBe(404);
    // The form was edited: Cancel asks before discarding it.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByTestId('discard-confirm').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('refuses a job name that is taken, at the name field, and accepts another', async () => {
    const notebook = await openNotebook(page, 'ctr-report.ipynb');
    const first = await openScheduleDialog(page, notebook);
    await first.getByTestId('schedule-when-manual').check();
    await submitAndExpectSaved(first, 'ctr-report');

    const dialog = await openScheduleDialog(page, notebook);
    expect(await dialog.getByLabel('Job name').inputValue()).toBe('ctr-report');
    await dialog.getByTestId('schedule-when-manual').check();
    await dialog.getByLabel('Value of region').fill('amer');
    await dialog.getByTestId('schedule-submit').click();
    const inline = dialog.getByTestId('schedule-error-name');
    await inline.waitFor({ timeout: 30_000 });
    const message = (await inline.textContent()) ?? '';
    console.log(`[e2e] duplicate name: ${message}`);
    expect(message).toContain('You already have a job named "ctr-report"');
    expect(await dialog.getByLabel('Job name').getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByTestId('schedule-error').textContent()).toContain('ctr-report');
    await shot('22-error-duplicate-name');

    await dialog.getByLabel('Job name').fill('ctr-report-amer');
    await submitAndExpectSaved(dialog, 'ctr-report-amer');
    expect(await jobParameters('ctr-report-amer')).toMatchObject({ region: 'amer' });
    expect(await jobParameters('ctr-report')).toMatchObject({ region: 'emea' });
  });

  it('keeps a parameter the notebook computes, without an error, and sends it only when overridden', async () => {
    const dialog = await openScheduleDialog(page, await openNotebook(page, 'dates.ipynb'));
    // Opens clean: no message, no invalid control, though `start` is not a literal.
    expect(await dialog.locator('.jp-Turing-FieldError').count()).toBe(0);
    expect(await dialog.locator('[aria-invalid="true"]').count()).toBe(0);
    const kept = dialog.getByTestId('schedule-parameter-kept-0');
    expect(await kept.textContent()).toBe('datetime.date(2026, 1, 1)kept from the notebook');
    expect(await kept.locator('code').textContent()).toBe('datetime.date(2026, 1, 1)');
    // Read-only: no type or value to edit until Override is on.
    expect(await dialog.getByLabel('Value of start').count()).toBe(0);
    expect(await dialog.getByLabel('Override start').isChecked()).toBe(false);
    expect(await dialog.getByLabel('Type of days').inputValue()).toBe('integer');
    expect(await dialog.getByLabel('Type of regions').inputValue()).toBe('json');
    await shot('23-parameter-kept-from-notebook');

    // A JSON value that does not parse is still flagged while typing, and blocks.
    await dialog.getByLabel('Value of regions').fill('["emea", apac]');
    const regions = dialog.getByTestId('schedule-error-parameter-2');
    await regions.waitFor();
    expect(await regions.textContent()).toBe('regions: \'["emea", apac]\' is not valid JSON');
    await dialog.getByLabel('Value of regions').fill('["emea"]');
    await regions.waitFor({ state: 'detached' });

    await dialog.getByTestId('schedule-when-manual').check();
    await submitAndExpectSaved(dialog, 'dates');
    // Not sent: papermill keeps the notebook's own `start`.
    expect(await jobParameters('dates')).toEqual({ days: 7, regions: ['emea'] });

    const again = await openScheduleDialog(page, await openNotebook(page, 'dates.ipynb'));
    await again.getByLabel('Job name').fill('dates-override');
    await again.getByLabel('Override start').check();
    // Overridden, the row is typed and checked: an empty value now blocks.
    expect(await again.getByLabel('Type of start').inputValue()).toBe('string');
    const start = again.getByTestId('schedule-error-parameter-0');
    await start.waitFor();
    expect(await start.textContent()).toBe(
      "start: enter the value to use instead of datetime.date(2026, 1, 1), or turn Override off to keep the notebook's value.",
    );
    await again.getByTestId('schedule-when-manual').check();
    await again.getByTestId('schedule-submit').click();
    expect(await again.getByTestId('schedule-error').textContent()).toBe(
      'Fix the marked fields, then try again.',
    );
    expect(await jobStatus('dates-override')).toBe(404);
    await again.getByLabel('Value of start').fill('2026-01-01');
    await start.waitFor({ state: 'detached' });
    await submitAndExpectSaved(again, 'dates-override');
    expect(await jobParameters('dates-override')).toEqual({
      start: '2026-01-01',
      days: 7,
      regions: ['emea'],
    });
  });
});
