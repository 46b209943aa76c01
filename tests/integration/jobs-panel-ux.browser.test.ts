import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import { seriousViolations, useTheme } from '../support/accessibility.js';
import { launchChromium } from '../support/chromium.js';
import { logInToLab, showSidePanel } from '../support/lab-page.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/jobs-panel-ux');
const user = 'hedy';
const kernelspec = { name: 'python3', display_name: 'Python 3', language: 'python' };

/** As a script writes it: nbformat 4.4, sources as lists of lines, no cell ids. */
const listSourceNotebook = {
  nbformat: 4,
  nbformat_minor: 4,
  metadata: { kernelspec },
  cells: [
    {
      cell_type: 'code',
      execution_count: null,
      metadata: { tags: ['parameters'] },
      outputs: [],
      source: ['n = 3\n', "name = 'x'\n"],
    },
    { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['print(n)'] },
  ],
};

/** ipykernel's warning, word for word, as a kernel started over TCP writes it to stderr. */
const TCP_WARNING =
  '[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All communication ' +
  '(including code and outputs) is sent in plain text and is susceptible to eavesdropping. Use IPC ' +
  'transport or launch with kernel manager-provisioned CurveZMQ keys to enable transport encryption.';

/** Its second cell raises; the first writes ipykernel's TCP warning into the log (the demo's local kernels do not print it). */
const failingNotebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec },
  cells: [
    {
      id: 'one',
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source: `import sys\nprint("before")\nprint(${JSON.stringify(TCP_WARNING)}, file=sys.stderr)`,
    },
    { id: 'two', cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: '1 / 0' },
  ],
};

const plainNotebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec },
  cells: [
    { id: 'p', cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: 'print(1)' },
  ],
};

interface Job {
  name: string;
  state: string;
  schedule?: { nextRuns: string[] };
}
interface Run {
  id: string;
  state: string;
}

/** The 17 jobs of defect 1; two of them scheduled, at distinct times far from now. */
const MANY = Array.from({ length: 17 }, (_, i) => `job-${String(i + 1).padStart(2, '0')}`);
const SCHEDULED: Record<string, { cron: string; timezone: string }> = {
  'job-05': { cron: '15 4 * * *', timezone: 'UTC' },
  'job-11': { cron: '45 16 * * *', timezone: 'UTC' },
  // Defect 5: 02:00 in Berlin, seen from a browser in New York.
  'zz-berlin': { cron: '0 2 * * *', timezone: 'Europe/Berlin' },
};

// The Jobs side panel of issue 13: jobs expand in place, filter and sort,
// honest input and times, failed runs that look failed, a delete that
// defaults to Cancel, and no serious axe findings in either theme.
describe('Jobs side panel UX (Chromium)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-e2e-panel-ux-'));
  const home = join(stateDir, 'home', user);
  let stack: RunningDemoStack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let token: string;
  let failedRun: string;
  const shot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) });

  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${stack.url}/services/turing/api/v1${path}`, {
      ...init,
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T,
    };
  };
  const createJob = async (name: string, path: string, content: unknown) => {
    const res = await api('/jobs', {
      method: 'POST',
      body: JSON.stringify({
        name,
        notebook: { path, content },
        environment: 'cpu-base',
        ...(SCHEDULED[name] ? { schedule: SCHEDULED[name] } : {}),
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  const waitForRun = async (job: string, count: number): Promise<Run[]> => {
    const deadline = Date.now() + 150_000;
    for (;;) {
      const { body } = await api<{ items: Run[] }>(`/jobs/${job}/runs`);
      if (body.items.length >= count && !['queued', 'running'].includes(body.items[0]?.state ?? 'queued')) {
        return body.items;
      }
      if (Date.now() > deadline) throw new Error(`runs of ${job}: ${JSON.stringify(body.items)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const jobsPanel = () => page.locator('#turing-jobs');
  const card = (name: string) => jobsPanel().getByTestId(`job-${name}`);
  const expand = async (name: string): Promise<Locator> => {
    const runs = card(name).getByTestId('job-runs');
    // Ask the card itself: right after a reload the runs may still be loading
    // under an expanded card, and a click would then collapse it.
    const toggle = card(name).getByRole('button', { name, exact: true });
    await toggle.waitFor({ timeout: 30_000 });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await runs.waitFor({ timeout: 30_000 });
    return runs;
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'untouched.ipynb'), JSON.stringify(listSourceNotebook, null, 1));
    writeFileSync(join(home, 'boom.ipynb'), JSON.stringify(failingNotebook));
    writeFileSync(join(home, 'plain.ipynb'), JSON.stringify(plainNotebook));
    stack = await startDemoStack({ stateDir });
    browser = await launchChromium({ timezoneId: 'America/New_York' });
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    // The hub knows the user (and gives a token) after the first login.
    await logInToLab(page, stack.url, user);
    token = await stack.hub.tokenFor(user);
    await createJob('boom', 'boom.ipynb', failingNotebook);
    const started = await api<Run>('/jobs/boom/runs', { method: 'POST', body: '{}' });
    expect(started.status).toBe(201);
    await createJob('untouched', 'untouched.ipynb', listSourceNotebook);
    await createJob('zz-berlin', 'plain.ipynb', plainNotebook);
    for (const name of MANY) await createJob(name, 'plain.ipynb', plainNotebook);
    await showSidePanel(page, 'turing-jobs');
    await jobsPanel().getByRole('button', { name: 'Refresh jobs' }).click();
    await card('job-17').waitFor({ timeout: 60_000 });
    failedRun = (await waitForRun('boom', 1))[0]?.id ?? '';
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('defect 1: compact cards; a job expands right under its own card; filter, sort, open in main area', async () => {
    const cards = jobsPanel().locator('[data-testid="jobs-list"] > li');
    expect(await cards.count()).toBe(20);
    await shot('00-compact-cards');
    console.log(
      `[panel-ux] job-01 card rows: ${JSON.stringify(
        await card('job-01')
          .getByTestId('job-summary-job-01')
          .evaluate((el) =>
            [el, ...Array.from(el.children)].map((c) => [
              c.className,
              Math.round(c.getBoundingClientRect().height),
            ]),
          ),
      )}`,
    );
    for (const name of MANY) {
      const height = (await card(name).boundingBox())?.height ?? Infinity;
      expect(height, `${name} card height`).toBeLessThanOrEqual(80);
    }
    const third = cards.nth(2);
    const thirdName = ((await third.getAttribute('data-testid')) ?? '').slice('job-'.length);
    const runs = await expand(thirdName);
    const summary = await third.getByTestId(`job-summary-${thirdName}`).boundingBox();
    const runsBox = await runs.boundingBox();
    const fourth = await cards.nth(3).boundingBox();
    if (!summary || !runsBox || !fourth) throw new Error('cards not laid out');
    const gap = runsBox.y - (summary.y + summary.height);
    console.log(`[panel-ux] runs of ${thirdName} start ${gap.toFixed(1)} px below its card`);
    expect(gap).toBeGreaterThanOrEqual(-1);
    expect(gap).toBeLessThanOrEqual(10);
    expect(runsBox.y + runsBox.height).toBeLessThanOrEqual(fourth.y + 1);
    await shot('01-expanded-in-place');

    await jobsPanel().getByTestId('jobs-filter').fill('job-1');
    await expect.poll(() => cards.count()).toBe(8);
    await jobsPanel().getByTestId('jobs-filter').fill('');
    await jobsPanel().getByTestId('jobs-state-filter').selectOption('scheduled');
    await expect.poll(() => cards.count()).toBe(3);
    await jobsPanel().getByTestId('jobs-state-filter').selectOption('all');

    const nameOrder = await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')));
    expect(nameOrder[0]).toBe('job-boom');
    await jobsPanel().getByTestId('jobs-sort').selectOption('next-run');
    const { body } = await api<{ items: Job[] }>('/jobs');
    const soonest = body.items
      .filter((j) => j.state === 'scheduled')
      .sort((a, b) => Date.parse(a.schedule?.nextRuns[0] ?? '') - Date.parse(b.schedule?.nextRuns[0] ?? ''))
      .map((j) => `job-${j.name}`);
    await expect
      .poll(() => cards.evaluateAll((els) => els.slice(0, 3).map((el) => el.getAttribute('data-testid'))))
      .toEqual(soonest);
    await jobsPanel().getByTestId('jobs-sort').selectOption('name');

    await jobsPanel().getByRole('button', { name: 'Open job job-03 in main area', exact: true }).click();
    // The main-area view (turing:open-jobs-view) opens on the job's detail page.
    await page.locator('#jp-main-dock-panel #turing-jobs-view').waitFor({ timeout: 30_000 });
    await shot('02-open-in-main-area');
  });

  it('defect 3: an untouched notebook with list sources shows no "Input changed"; a saved edit does', async () => {
    await showSidePanel(page, 'turing-jobs');
    await card('untouched').waitFor();
    // The check runs after the list loads; give it a few refreshes.
    await jobsPanel().getByRole('button', { name: 'Refresh jobs' }).click();
    await page.waitForTimeout(5000);
    expect(await jobsPanel().getByTestId('job-input-changed-untouched').count()).toBe(0);

    const edited = structuredClone(listSourceNotebook);
    const cell = edited.cells[1];
    if (!cell) throw new Error('fixture has two cells');
    cell.source = ['print(n * 2)'];
    writeFileSync(join(home, 'untouched.ipynb'), JSON.stringify(edited, null, 1));
    await expect
      .poll(
        async () => {
          await jobsPanel().getByRole('button', { name: 'Refresh jobs' }).click();
          return jobsPanel().getByTestId('job-input-changed-untouched').count();
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBe(1);
    await shot('03-input-changed-after-edit');
  });

  it("defect 5: the next run shows in the job's zone, labelled, 24-hour, with a relative hint", async () => {
    const next = (await jobsPanel().getByTestId('job-next-zz-berlin').textContent()) ?? '';
    console.log(`[panel-ux] Berlin job from New York: ${next}`);
    expect(next).toContain('02:00');
    expect(next).toContain('Europe/Berlin');
    expect(next).toMatch(/\bin \d+ (min|h|days?)\b/);
    expect(next).not.toMatch(/\b(AM|PM)\b/i);
  });

  it('defect 7: a failed run looks failed; reason, failing cell, run again, clean log, chart text', async () => {
    const runs = await expand('boom');
    const row = runs.getByTestId(`run-${failedRun}`);
    expect(await row.getByTestId(`run-state-${failedRun}`).textContent()).toBe('failed');
    const bar = row.getByRole('progressbar');
    expect(await bar.getAttribute('data-tone')).toBe('error');

    const reason = row.getByTestId(`run-reason-${failedRun}`);
    expect(await reason.evaluate((el) => el.tagName)).toBe('DETAILS');
    await reason.locator('summary').click();
    expect(await reason.getAttribute('open')).not.toBeNull();
    expect(await reason.textContent()).toContain('ZeroDivisionError');

    const summary = (await runs.getByTestId('duration-summary').textContent()) ?? '';
    console.log(`[panel-ux] chart with one run: ${summary}`);
    expect(summary).toMatch(/^1 run: failed after \d+/);

    await row.getByRole('button', { name: 'Show log of run 1 of boom', exact: true }).click();
    const log = row.getByTestId('run-log-text');
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain('ZeroDivisionError');
    const raw = await api<string>(`/runs/${failedRun}/log`);
    expect(String(raw.body)).toContain('without encryption');
    expect(await log.textContent()).not.toContain('without encryption');
    await shot('04-failed-run');

    await row.getByRole('button', { name: 'Open log of run 1 of boom in main area', exact: true }).click();
    const logView = page.locator('#jp-main-dock-panel .jp-Turing-Jobs-logView');
    await expect.poll(() => logView.textContent(), { timeout: 30_000 }).toContain('ZeroDivisionError');
    expect(await logView.textContent()).not.toContain('without encryption');

    await row
      .getByRole('button', { name: 'Open failing cell of run 1 of boom in its output', exact: true })
      .click();
    await page
      .locator('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current', { hasText: `${failedRun}.ipynb` })
      .waitFor({ timeout: 30_000 });
    const active = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-mod-active');
    await expect.poll(() => active.textContent(), { timeout: 30_000 }).toContain('1 / 0');
    await shot('05-output-at-failing-cell');

    await showSidePanel(page, 'turing-jobs');
    await row.getByRole('button', { name: 'Run again: run 1 of boom, same parameters', exact: true }).click();
    const again = await waitForRun('boom', 2);
    expect(again).toHaveLength(2);
    const live = page.getByTestId('turing-live-region-polite');
    await expect
      .poll(() => live.textContent(), { timeout: 60_000 })
      .toMatch(/Run 2 of boom (running|failed)/);
  });

  it('asks before deleting with Cancel focused: Enter keeps the job', async () => {
    await card('job-17').getByRole('button', { name: 'Delete job job-17', exact: true }).click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Cancel');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect((await api('/jobs/job-17')).status).toBe(200);
  });

  it('has no serious or critical axe findings with a failed run expanded, light and dark', async () => {
    for (const theme of ['light', 'dark'] as const) {
      await useTheme(page, theme);
      await showSidePanel(page, 'turing-jobs');
      const runs = await expand('boom');
      await runs.getByTestId(`run-${failedRun}`).waitFor({ timeout: 30_000 });
      await shot(`06-axe-${theme}`);
      const findings = await seriousViolations(page, '#turing-jobs');
      expect(findings, `${theme}: ${JSON.stringify(findings, null, 1)}`).toEqual([]);
    }
  });
});
