import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import { pickThemeFromMenu, seriousViolations, type ThemeName } from '../support/accessibility.js';
import { launchChromium } from '../support/chromium.js';
import { logInToLab, newLabPage, openNotebook, openScheduleDialog } from '../support/lab-page.js';
import { DATES_NOTEBOOK } from '../support/notebooks.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/e2e');
const user = 'ada';

// The Schedule dialog's usability: limits said in the field's unit before
// anything is sent, a button named after what it does, no silent loss of
// edits, a form that fits the window, an interval picker that writes the
// cron, and no serious accessibility violation in either theme.
describe('Schedule dialog UX on the demo stack (Chromium)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-e2e-dialog-ux-'));
  let stack: RunningDemoStack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let token: string;
  /** Job create and update requests the page sent. */
  const jobWrites: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) });
  const getJob = async (name: string): Promise<{ status: number; body: Record<string, unknown> | null }> => {
    const res = await fetch(`${stack.url}/services/turing/api/v1/jobs/${name}`, {
      headers: { Authorization: `token ${token}` },
    });
    if (!res.ok) {
      await res.body?.cancel();
      return { status: res.status, body: null };
    }
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const submitAndExpectSaved = async (dialog: Locator) => {
    await dialog.getByTestId('schedule-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  };
  const closeUntouched = async (dialog: Locator) => {
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  };
  const ctrDialog = async () => openScheduleDialog(page, await openNotebook(page, 'ctr-report.ipynb'));
  const pickTheme = (theme: ThemeName) => pickThemeFromMenu(page, theme);

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    mkdirSync(join(stateDir, 'home', user), { recursive: true });
    writeFileSync(join(stateDir, 'home', user, 'dates.ipynb'), JSON.stringify(DATES_NOTEBOOK));
    stack = await startDemoStack({ stateDir });
    browser = await launchChromium();
    page = await newLabPage(browser);
    page.on('request', (request) => {
      if (['POST', 'PATCH'].includes(request.method()) && /\/api\/v1\/jobs(\/[^/]+)?$/.test(request.url())) {
        jobWrites.push(`${request.method()} ${request.url()}`);
      }
    });
    await logInToLab(page, stack.url, user);
    token = await stack.hub.tokenFor(user);
  });

  // A failed test must not leave its dialog over the page for the next one.
  afterEach(async () => {
    const dialog = page.getByTestId('turing-schedule-dialog');
    if ((await dialog.count()) === 0) {
      return;
    }
    await dialog.getByTestId('schedule-cancel').click();
    const discard = dialog.getByTestId('discard-confirm');
    if (
      await discard.waitFor({ timeout: 2_000 }).then(
        () => true,
        () => false,
      )
    ) {
      await discard.click();
    }
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('says a timeout above 7 days in minutes and days at the field, and sends nothing', async () => {
    const dialog = await ctrDialog();
    await dialog.getByLabel('Job name').fill('too-long');
    const timeout = dialog.getByLabel('Timeout (minutes)');
    expect(await timeout.getAttribute('max')).toBe('10080');
    expect(await timeout.getAttribute('min')).toBe('1');
    expect(await timeout.getAttribute('step')).toBe('1');
    expect(await dialog.getByLabel('Retries', { exact: true }).getAttribute('max')).toBe('10');
    await timeout.fill('99999999');
    const writesBefore = jobWrites.length;
    await dialog.getByTestId('schedule-submit').click();

    const inline = dialog.getByTestId('schedule-error-timeout');
    await inline.waitFor({ timeout: 10_000 });
    expect(await inline.textContent()).toBe('Timeout: at most 7 days (10080 minutes).');
    expect(await timeout.getAttribute('aria-invalid')).toBe('true');
    expect(await timeout.getAttribute('aria-describedby')).toBe(await inline.getAttribute('id'));
    expect(await dialog.getByTestId('schedule-error').textContent()).toBe(
      'Fix the marked fields, then try again.',
    );
    // Focus goes to the field to fix; the dialog keeps what was typed; no request left the page.
    expect(await timeout.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await timeout.inputValue()).toBe('99999999');
    expect(await dialog.getByLabel('Job name').inputValue()).toBe('too-long');
    expect(jobWrites.slice(writesBefore)).toEqual([]);
    expect((await getJob('too-long')).status).toBe(404);
    await shot('31-dialog-timeout-limit');

    await timeout.fill('10080');
    await inline.waitFor({ state: 'detached' });
    await dialog.getByTestId('schedule-when-manual').check();
    await submitAndExpectSaved(dialog);
    expect((await getJob('too-long')).body).toMatchObject({ timeoutSeconds: 604_800 });
  });

  it('names the main button after the chosen mode', async () => {
    const dialog = await ctrDialog();
    const submit = dialog.getByTestId('schedule-submit');
    expect(await dialog.getByTestId('schedule-when-now').isChecked()).toBe(true);
    expect(await submit.textContent()).toBe('Run now');
    await dialog.getByTestId('schedule-when-schedule').check();
    expect(await submit.textContent()).toBe('Schedule');
    await dialog.getByTestId('schedule-when-manual').check();
    expect(await submit.textContent()).toBe('Create');
    expect(await dialog.getByRole('button', { name: 'Create', exact: true }).count()).toBe(1);
    // Choosing a mode is an edit: Cancel asks first.
    await dialog.getByTestId('schedule-cancel').click();
    await dialog.getByTestId('discard-confirm').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('closes an untouched form at once, and asks before discarding an edited one', async () => {
    await closeUntouched(await ctrDialog());

    const dialog = await ctrDialog();
    await dialog.getByLabel('Job name').fill('half-typed');
    await dialog.getByLabel('Value of region').fill('apac');
    await page.keyboard.press('Escape');
    const prompt = dialog.getByTestId('discard-prompt');
    await prompt.waitFor({ timeout: 10_000 });
    expect(await prompt.textContent()).toContain('Discard your changes?');
    const keep = dialog.getByTestId('discard-keep');
    expect(await keep.evaluate((el) => el === document.activeElement)).toBe(true);
    await shot('32-dialog-discard-prompt');

    // Enter on the focused "Keep editing" keeps the form as it was.
    await page.keyboard.press('Enter');
    await prompt.waitFor({ state: 'detached' });
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.getByLabel('Job name').inputValue()).toBe('half-typed');
    expect(await dialog.getByLabel('Value of region').inputValue()).toBe('apac');

    await dialog.getByTestId('schedule-cancel').click();
    await prompt.waitFor();
    await dialog.getByTestId('discard-confirm').click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await getJob('half-typed')).status).toBe(404);
  });

  it('folds retries, alerts and outputs under Advanced, so the form fits 900 px without scrolling', async () => {
    const dialog = await ctrDialog();
    const advanced = dialog.getByTestId('schedule-advanced');
    expect(await advanced.getAttribute('open')).toBeNull();
    expect(await dialog.getByLabel('Retries', { exact: true }).isVisible()).toBe(false);
    expect(await dialog.getByTestId('schedule-alerts').isVisible()).toBe(false);
    expect(await dialog.getByTestId('schedule-outputs').isVisible()).toBe(false);
    expect(await dialog.getByTestId('schedule-model-output').isVisible()).toBe(false);

    const fits = async (mode: string) => {
      const box = await dialog.boundingBox();
      const submit = await dialog.getByTestId('schedule-submit').boundingBox();
      const form = dialog.locator('form');
      const { scrollHeight, clientHeight } = await form.evaluate((el) => ({
        scrollHeight: el.scrollHeight,
        clientHeight: el.clientHeight,
      }));
      console.log(`[e2e] ${mode}: dialog ${box?.height} px, form ${scrollHeight}/${clientHeight} px`);
      expect(box && box.y >= 0 && box.y + box.height <= 900, mode).toBe(true);
      expect(submit && submit.y + submit.height <= 900, mode).toBe(true);
      expect(scrollHeight, `${mode}: the form scrolls`).toBeLessThanOrEqual(clientHeight + 1);
    };
    await fits('run now');
    await dialog.getByTestId('schedule-when-schedule').check();
    await dialog.getByTestId('schedule-next-runs').waitFor({ timeout: 30_000 });
    await fits('on a schedule');
    await shot('33-dialog-fits-900');

    await dialog.getByTestId('schedule-advanced-toggle').click();
    expect(await advanced.getAttribute('open')).not.toBeNull();
    expect(await dialog.getByLabel('Retries', { exact: true }).isVisible()).toBe(true);
    expect(await dialog.getByTestId('schedule-alerts').isVisible()).toBe(true);
    await dialog.getByTestId('schedule-cancel').click();
    await dialog.getByTestId('discard-confirm').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('opens Advanced by itself for an error inside it', async () => {
    const dialog = await ctrDialog();
    await dialog.getByLabel('Job name').fill('bad-alert');
    await dialog.getByTestId('schedule-advanced-toggle').click();
    await dialog.getByRole('button', { name: 'Add alert' }).click();
    await dialog.getByTestId('schedule-advanced-toggle').click();
    expect(await dialog.getByTestId('schedule-advanced').getAttribute('open')).toBeNull();
    await dialog.getByTestId('schedule-submit').click();
    const inline = dialog.getByTestId('schedule-error-alert-0');
    await inline.waitFor({ timeout: 10_000 });
    expect(await inline.isVisible()).toBe(true);
    expect(await dialog.getByTestId('schedule-advanced').getAttribute('open')).not.toBeNull();
    expect(
      await dialog.getByTestId('schedule-alert-webhook-0').evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await dialog.getByTestId('schedule-cancel').click();
    await dialog.getByTestId('discard-confirm').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('writes the cron from the interval picker: every 2 hours at :15, weekly on Mon and Thu at 02:00', async () => {
    let dialog = await ctrDialog();
    await dialog.getByLabel('Job name').fill('every-two-hours');
    await dialog.getByTestId('schedule-when-schedule').check();
    const repeat = dialog.getByLabel('Repeat');
    // The default, every day at 02:00, is already in the picker.
    expect(await repeat.inputValue()).toBe('days');
    expect(await dialog.getByLabel('Cron expression').inputValue()).toBe('0 2 * * *');
    await repeat.selectOption('hours');
    await dialog.getByLabel('Hours between runs').fill('2');
    await dialog.getByLabel('Minute past the hour').fill('15');
    expect(await dialog.getByLabel('Cron expression').inputValue()).toBe('15 */2 * * *');
    await dialog.getByTestId('schedule-next-runs').waitFor({ timeout: 30_000 });
    expect(await dialog.getByTestId('schedule-description').textContent()).toMatch(
      /15 minutes past the hour, every 2 hours/,
    );
    const help = dialog.getByRole('link', { name: /Cron help/ });
    expect(await help.getAttribute('href')).toBe('https://man7.org/linux/man-pages/man5/crontab.5.html');
    expect(await help.getAttribute('target')).toBe('_blank');
    expect(await help.getAttribute('rel')).toBe('noopener noreferrer');
    await shot('34-dialog-interval-picker');
    await submitAndExpectSaved(dialog);
    expect((await getJob('every-two-hours')).body).toMatchObject({ schedule: { cron: '15 */2 * * *' } });

    dialog = await ctrDialog();
    await dialog.getByLabel('Job name').fill('mon-thu');
    await dialog.getByTestId('schedule-when-schedule').check();
    await dialog.getByLabel('Repeat').selectOption('weekly');
    const days = dialog.getByTestId('schedule-interval-days');
    await days.getByLabel('Thu').check();
    expect(await days.getByLabel('Mon').isChecked()).toBe(true);
    await dialog.getByLabel('At (HH:MM)').fill('02:00');
    expect(await dialog.getByLabel('Cron expression').inputValue()).toBe('0 2 * * 1,4');
    // Custom cron keeps the text; typing a shape the picker knows does not leave custom.
    await dialog.getByLabel('Repeat').selectOption('custom');
    expect(await dialog.getByLabel('Cron expression').inputValue()).toBe('0 2 * * 1,4');
    expect(await dialog.getByTestId('schedule-interval-days').count()).toBe(0);
    // Typing a cron of a picker shape in picker mode moves the picker there.
    await dialog.getByLabel('Repeat').selectOption('weekly');
    await dialog.getByLabel('Cron expression').fill('*/15 * * * *');
    expect(await dialog.getByLabel('Repeat').inputValue()).toBe('minutes');
    expect(await dialog.getByLabel('Minutes between runs').inputValue()).toBe('15');
    await dialog.getByLabel('Repeat').selectOption('weekly');
    expect(await dialog.getByLabel('Cron expression').inputValue()).toBe('0 2 * * 1,4');
    await submitAndExpectSaved(dialog);
    expect((await getJob('mon-thu')).body).toMatchObject({ schedule: { cron: '0 2 * * 1,4' } });
  });

  it('refuses an every-N the picker cannot space evenly, at the field', async () => {
    const dialog = await ctrDialog();
    await dialog.getByTestId('schedule-when-schedule').check();
    await dialog.getByLabel('Repeat').selectOption('minutes');
    const every = dialog.getByLabel('Minutes between runs');
    expect(await every.getAttribute('max')).toBe('30');
    await every.fill('7');
    await dialog.getByTestId('schedule-submit').click();
    const inline = dialog.getByTestId('schedule-error-intervalEvery');
    await inline.waitFor({ timeout: 10_000 });
    expect(await inline.textContent()).toBe(
      'Every N minutes: one of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30, so the runs are evenly spaced.',
    );
    expect(await every.getAttribute('aria-invalid')).toBe('true');
    await dialog.getByTestId('schedule-cancel').click();
    await dialog.getByTestId('discard-confirm').click();
    await dialog.waitFor({ state: 'detached' });
  });

  for (const theme of ['light', 'dark'] as ThemeName[]) {
    it(`has no serious or critical axe violation in the ${theme} theme`, async () => {
      await pickTheme(theme);
      const dialog = await openScheduleDialog(page, await openNotebook(page, 'dates.ipynb'));
      // Every part shown: a kept parameter, an overridden one with its error, the picker, Advanced.
      await dialog.getByTestId('schedule-when-schedule').check();
      await dialog.getByLabel('Repeat').selectOption('weekly');
      await dialog.getByTestId('schedule-next-runs').waitFor({ timeout: 30_000 });
      await dialog.getByTestId('schedule-advanced-toggle').click();
      await dialog.getByRole('button', { name: 'Add alert' }).click();
      await dialog.getByLabel('Timeout (minutes)').fill('99999999');
      await dialog.getByTestId('schedule-submit').click();
      await dialog.getByTestId('schedule-error-timeout').waitFor({ timeout: 10_000 });
      const found = await seriousViolations(page, '.jp-Turing-Dialog');
      await shot(`35-dialog-axe-${theme}`);
      expect(found).toEqual([]);
      const ids = await dialog.evaluate((el) => [...el.querySelectorAll('[id]')].map((n) => n.id));
      expect(ids.length).toBe(new Set(ids).size);

      await dialog.getByTestId('schedule-cancel').click();
      await dialog.getByTestId('discard-prompt').waitFor();
      expect(await seriousViolations(page, '.jp-Turing-Dialog')).toEqual([]);
      await dialog.getByTestId('discard-confirm').click();
      await dialog.waitFor({ state: 'detached' });
    });
  }
});
