import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN, startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/eventually.js';
import {
  logInToLab,
  newLabPage,
  openNotebook,
  openScheduleDialog,
  showSidePanel,
} from '../support/lab-page.js';
import { pythonNotebook } from '../support/notebooks.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/lab-quota-messages');
/** A plain user: the only one who acts on jobs, as the local runtime wants. */
const user = 'ada';
const notebook = pythonNotebook({ parameters: 'region = "emea"', cells: ['print(region)'] });

const CONCURRENT_RUNS_DETAIL =
  'Quota concurrentRuns exceeded: 0 of 0 runs in use; cancel a run or wait for one to finish, or ask an admin to raise your quota.';
const SCHEDULED_JOBS_DETAIL =
  'Quota scheduledJobs exceeded: 0 of 0 scheduled jobs in use; remove a schedule or delete a scheduled job, or ask an admin to raise your quota.';
/** hub-proxy's Retry-After for concurrentRuns, as the lab words it. */
const RETRY_HINT = 'Try again in 30 seconds.';

interface Limits {
  concurrentRuns: number;
  scheduledJobs: number;
}
interface QuotasDocument {
  defaults: Limits & Record<string, number>;
  groups: Record<string, Partial<Limits>>;
  users: Record<string, Partial<Limits>>;
}
interface Run {
  id: string;
  state: string;
}

// Issue 14: an admin lowers a user's quotas, and the lab's Schedule dialog
// and Jobs panel show the refusal's own words (quota, limit, use, remedy) in
// an alert, keeping what the user typed.
describe('quota refusals in the lab (Chromium, demo stack)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-e2e-quota-'));
  let stack: RunningDemoStack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let userToken: string;
  let adminToken: string;
  const shot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) });

  const api = async <T>(
    token: string,
    path: string,
    init: RequestInit & { headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T; headers: Headers }> => {
    const res = await fetch(`${stack.url}/services/turing/api/v1${path}`, {
      ...init,
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json', ...init.headers },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  };
  const runsOf = async (job: string): Promise<Run[]> =>
    (await api<{ items: Run[] }>(userToken, `/jobs/${job}/runs`)).body.items;
  const jobsPanel = () => page.locator('#turing-jobs');
  const card = (name: string) => jobsPanel().getByTestId(`job-${name}`);
  /**
   * The Jobs panel's action alert that appears after this call: the one shown
   * now (from an earlier action) is marked, so it cannot pass for the next.
   */
  const nextActionAlert = async (): Promise<Locator> => {
    await jobsPanel()
      .locator('[data-testid="jobs-action-error"]')
      .evaluateAll((els) => els.forEach((el) => el.setAttribute('data-seen', '')));
    return jobsPanel().locator('[data-testid="jobs-action-error"]:not([data-seen])');
  };
  /** The alert's text once it contains `expected` (the message renders after the request). */
  const alertText = async (alert: Locator, expected: string): Promise<string> => {
    await expect.poll(async () => (await alert.textContent()) ?? '', { timeout: 30_000 }).toContain(expected);
    return (await alert.textContent()) ?? '';
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    mkdirSync(join(stateDir, 'home', user), { recursive: true });
    writeFileSync(join(stateDir, 'home', user, 'quota.ipynb'), JSON.stringify(notebook));
    stack = await startDemoStack({ stateDir });
    browser = await launchChromium();
    page = await newLabPage(browser);
    await logInToLab(page, stack.url, user);
    userToken = await stack.hub.tokenFor(user);
    adminToken = await stack.hub.tokenFor(DEMO_ADMIN);

    // While the default quotas allow it: a job with one finished run, for "Run again".
    const created = await api(userToken, '/jobs', {
      method: 'POST',
      body: JSON.stringify({
        name: 'nightly',
        notebook: { path: 'quota.ipynb', content: notebook },
        environment: 'cpu-base',
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await api(userToken, '/jobs/nightly/runs', { method: 'POST', body: '{}' })).status).toBe(201);
    const [finished] = await eventually(
      'the first run of nightly to finish',
      150_000,
      async () => {
        const runs = await runsOf('nightly');
        return !['queued', 'running'].includes(runs[0]?.state ?? 'queued') && runs;
      },
      1000,
    );
    expect(finished?.state).toBe('succeeded');

    // The admin lowers the user's quotas through the API, as the admin page does.
    const current = await api<QuotasDocument>(adminToken, '/admin/quotas');
    expect(current.status).toBe(200);
    const etag = current.headers.get('etag');
    if (!etag) throw new Error('GET /admin/quotas sent no ETag');
    const { defaults, groups, users } = current.body;
    const replaced = await api(adminToken, '/admin/quotas', {
      method: 'PUT',
      headers: { 'If-Match': etag },
      body: JSON.stringify({
        defaults,
        groups,
        users: { ...users, [user]: { concurrentRuns: 0, scheduledJobs: 0 } },
      }),
    });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    const mine = await api<{ limits: Limits; used: Limits }>(userToken, '/me/quotas');
    expect(mine.body).toMatchObject({
      limits: { concurrentRuns: 0, scheduledJobs: 0 },
      used: { concurrentRuns: 0, scheduledJobs: 0 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('Schedule dialog, Run now: the job is kept and the Jobs panel alert says why its run did not start', async () => {
    const dialog = await openScheduleDialog(page, await openNotebook(page, 'quota.ipynb'));
    await dialog.getByLabel('Job name').fill('quota-now');
    await dialog.getByTestId('schedule-when-now').check();
    await dialog.getByTestId('schedule-submit').click();
    // The job exists, so the dialog closes rather than offer to create it again; the panel shows it.
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await card('quota-now').waitFor({ timeout: 30_000 });
    const alert = jobsPanel().getByTestId('jobs-action-error');
    const text = await alertText(alert, CONCURRENT_RUNS_DETAIL);
    console.log(`[quota] run now from the dialog: ${text}`);
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.locator('.jp-Turing-Error-title').textContent()).toBe(
      'Job "quota-now" was created, but its run could not start: Quota Exceeded',
    );
    expect(await alert.locator('.jp-Turing-Error-detail').textContent()).toBe(CONCURRENT_RUNS_DETAIL);
    expect(await alert.locator('.jp-Turing-Error-retry').textContent()).toBe(RETRY_HINT);
    await shot('01-dialog-run-now-refused');
    expect((await api(userToken, '/jobs/quota-now')).status).toBe(200);
    expect(await runsOf('quota-now')).toEqual([]);
  });

  it('Schedule dialog, On a schedule: refused in an alert inside the dialog, with the form as typed', async () => {
    const dialog = await openScheduleDialog(page, await openNotebook(page, 'quota.ipynb'));
    await dialog.getByLabel('Job name').fill('quota-nightly');
    await dialog.getByLabel('Value of region').fill('apac');
    await dialog.getByTestId('schedule-when-schedule').check();
    await dialog.getByLabel('Cron expression').fill('0 6 * * *');
    await dialog.getByTestId('schedule-submit').click();

    const alert = dialog.getByTestId('schedule-error');
    const text = await alertText(alert, SCHEDULED_JOBS_DETAIL);
    console.log(`[quota] scheduled create: ${text}`);
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.locator('.jp-Turing-Error-title').textContent()).toBe('Quota Exceeded');
    expect(await alert.locator('.jp-Turing-Error-detail').textContent()).toBe(SCHEDULED_JOBS_DETAIL);
    // 403: waiting does not help, so no retry hint.
    expect(text).not.toContain('Try again');
    await shot('02-dialog-schedule-refused');

    // Nothing typed is lost; nothing was created.
    expect(await dialog.getByLabel('Job name').inputValue()).toBe('quota-nightly');
    expect(await dialog.getByLabel('Value of region').inputValue()).toBe('apac');
    expect(await dialog.getByTestId('schedule-when-schedule').isChecked()).toBe(true);
    expect(await dialog.getByLabel('Cron expression').inputValue()).toBe('0 6 * * *');
    expect((await api(userToken, '/jobs/quota-nightly')).status).toBe(404);

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByTestId('discard-confirm').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('Jobs panel: Run now and Run again show the refusal in the panel alert', async () => {
    await showSidePanel(page, 'turing-jobs');
    await jobsPanel().getByRole('button', { name: 'Refresh jobs' }).click();
    await card('nightly').waitFor({ timeout: 30_000 });
    const alert = await nextActionAlert();
    await card('nightly').getByRole('button', { name: 'Run now: job nightly', exact: true }).click();
    const text = await alertText(alert, CONCURRENT_RUNS_DETAIL);
    console.log(`[quota] run now in the panel: ${text}`);
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.locator('.jp-Turing-Error-detail').textContent()).toBe(CONCURRENT_RUNS_DETAIL);
    expect(await alert.locator('.jp-Turing-Error-retry').textContent()).toBe(RETRY_HINT);
    await shot('03-panel-run-now-refused');

    const runs = card('nightly').getByTestId('job-runs');
    if (!(await runs.isVisible())) {
      await card('nightly').getByRole('button', { name: 'nightly', exact: true }).click();
    }
    await runs.waitFor({ timeout: 30_000 });
    const [first] = await runsOf('nightly');
    if (!first) throw new Error('nightly has no run');
    const again = await nextActionAlert();
    await runs
      .getByTestId(`run-${first.id}`)
      .getByRole('button', { name: 'Run again: run 1 of nightly, same parameters', exact: true })
      .click();
    const againText = await alertText(again, CONCURRENT_RUNS_DETAIL);
    console.log(`[quota] run again in the panel: ${againText}`);
    expect(await again.getAttribute('role')).toBe('alert');
    expect(await again.locator('.jp-Turing-Error-retry').textContent()).toBe(RETRY_HINT);
    await shot('04-panel-run-again-refused');
    expect(await runsOf('nightly')).toHaveLength(1);
  });
});
