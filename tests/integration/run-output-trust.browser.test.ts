import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNSAFE_MULTIUSER_ENV } from '../../hub-proxy/src/jobs/local/index.js';
import { DEMO_ADMIN, startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import { waitUntil } from '../support/child-process.js';
import { launchChromium } from '../support/chromium.js';
import { currentNotebook, logInToLab, showSidePanel } from '../support/lab-page.js';
import { pythonNotebook } from '../support/notebooks.js';

const screenshots = resolve(import.meta.dirname, '../../test-results/e2e');
const owner = 'ada';
// The demo stack's Turing admin.
const admin = DEMO_ADMIN;
const job = 'report';

/** Scripts in every form JupyterLab runs only for trusted cells; each sets `window.__pwned`. */
const SCRIPT_HTML = '<b>report from a script</b><script>window.__pwned = "script"</script>';
const IMG_HTML = '<b>report from an image</b><img src="data:," onerror="window.__pwned = \'img\'">';

/** What the run's own code uploads as output.ipynb: every cell and the notebook marked trusted. */
const trustedOutput = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {
    kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
    signature: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
  },
  cells: [
    {
      cell_type: 'code',
      id: 'script',
      metadata: { trusted: true },
      execution_count: 1,
      source: 'show_script()',
      outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/html': SCRIPT_HTML } }],
    },
    {
      cell_type: 'code',
      id: 'img',
      metadata: { trusted: true },
      execution_count: 2,
      source: 'show_image()',
      outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/html': IMG_HTML } }],
    },
    {
      cell_type: 'code',
      id: 'javascript',
      metadata: { trusted: true },
      execution_count: 3,
      source: 'show_js()',
      outputs: [
        {
          output_type: 'display_data',
          metadata: {},
          data: { 'application/javascript': 'window.__pwned = "javascript"', 'text/plain': 'js' },
        },
      ],
    },
  ],
};

/** What it uploads as output.html: a redirect, a script and an image handler. */
const hostileHtml =
  '<!doctype html><html><head><META HTTP-EQUIV="Refresh" CONTENT="0; url=/hub/home"></head><body>' +
  `<p id="report">report page</p>${SCRIPT_HTML}${IMG_HTML}</body></html>`;

/**
 * The job's notebook: with the run token the runner hands down (every
 * notebook can read it), it uploads the outputs above itself, then kills
 * the runner so nothing overwrites them. The run ends failed, with outputs.
 */
const uploadingNotebook = pythonNotebook({
  cells: [
    [
      'import json, os, signal, urllib.request',
      'api, run, token = (os.environ[n] for n in ("TURING_RUNNER_API", "TURING_RUN_ID", "TURING_RUN_TOKEN"))',
      'def put(name, body):',
      '    request = urllib.request.Request(f"{api}api/v1/runner/runs/{run}/artifacts/{name}", data=body,',
      '        method="PUT", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"})',
      '    urllib.request.urlopen(request).read()',
      `put("output.ipynb", ${JSON.stringify(JSON.stringify(trustedOutput))}.encode())`,
      `put("output.html", ${JSON.stringify(hostileHtml)}.encode())`,
      'os.kill(os.getppid(), signal.SIGKILL)',
    ].join('\n'),
  ],
});

interface Run {
  id: string;
  state: string;
  artifacts: string[];
}

/** The no-script check: nothing set the marker, after handlers had time to fire. */
async function pwned(page: Page): Promise<unknown> {
  await page.waitForTimeout(1500);
  return page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
}

// A run's outputs are its owner's code's outputs. Whoever opens them, the
// owner or an admin looking at another user's run, runs none of their
// scripts, and the copy "Open output" saves is never trusted.
describe('Run outputs open untrusted, for the owner and for an admin (Chromium)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-e2e-trust-'));
  let stack: RunningDemoStack;
  let ownerBrowser: Awaited<ReturnType<typeof launchChromium>>;
  let adminBrowser: Awaited<ReturnType<typeof launchChromium>>;
  const tokens: Record<string, string> = {};
  let runId = '';

  const api = (user: string, path: string, init: RequestInit = {}) =>
    fetch(`${stack.url}/services/turing/api/v1${path}`, {
      ...init,
      headers: { Authorization: `token ${tokens[user] ?? ''}`, 'Content-Type': 'application/json' },
    });

  /** Runs the owner's job now through the API and waits for it to end. */
  async function runToTheEnd(): Promise<Run> {
    const started = await api(owner, `/jobs/${job}/runs`, { method: 'POST', body: '{}' });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as Run;
    let run: Run | undefined;
    await waitUntil(
      `run ${id} ended`,
      async () => {
        run = (await (await api(owner, `/runs/${id}`)).json()) as Run;
        return !['queued', 'running'].includes(run.state);
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    return run as Run;
  }

  /** Presses "Open output" on the run in `user`'s jobs panel and waits for the notebook to render. */
  async function openOutput(page: Page, jobRow: Locator): Promise<Locator> {
    const jobs = await showSidePanel(page, 'turing-jobs');
    await jobRow.getByRole('button', { name: job, exact: true }).click();
    // One job's runs show at a time; the run id is the owner's run either way.
    await jobs
      .getByTestId('job-runs')
      .getByTestId(`run-${runId}`)
      .getByRole('button', { name: 'Open output' })
      .click();
    await page
      .locator('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current', { hasText: `${runId}.ipynb` })
      .waitFor({ timeout: 30_000 });
    const notebook = currentNotebook(page);
    // The outputs render (sanitised): the test sees the same page a person would.
    await notebook.getByText('report from a script').waitFor({ timeout: 30_000 });
    await notebook.getByText('report from an image').waitFor({ timeout: 30_000 });
    return notebook;
  }

  /** The saved copy: no marks on disk, and the contents API (which signs and checks) calls no cell trusted. */
  async function expectSavedUntrusted(page: Page, user: string): Promise<void> {
    const path = `turing-outputs/${job}/${runId}.ipynb`;
    const onDisk = readFileSync(join(stateDir, 'home', user, path), 'utf8');
    expect(onDisk).not.toMatch(/"(trusted|signature)"/);
    // As JupyterLab asks: with the page's cookies and the `_xsrf` cookie echoed in a header.
    const { status, model } = await page.evaluate(async (url) => {
      const xsrf = /(?:^|;\s*)_xsrf=([^;]*)/.exec(document.cookie)?.[1] ?? '';
      const res = await fetch(url, { headers: { 'X-XSRFToken': decodeURIComponent(xsrf) } });
      return { status: res.status, model: (await res.json()) as unknown };
    }, `/user/${user}/api/contents/${path}`);
    expect(status, JSON.stringify(model)).toBe(200);
    const cells = (model as { content: { cells: Array<{ metadata: { trusted?: boolean } }> } }).content.cells;
    expect(cells.length).toBe(trustedOutput.cells.length);
    expect(cells.map((c) => c.metadata.trusted)).toEqual(cells.map(() => false));
  }

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    // Two hub users on one local runtime: the owner and an admin.
    stack = await startDemoStack({ stateDir, serviceEnvironment: { [UNSAFE_MULTIUSER_ENV]: '1' } });
    await stack.hub.createUser(owner);
    tokens[owner] = await stack.hub.tokenFor(owner);
    tokens[admin] = await stack.hub.tokenFor(admin);
    for (const [user, content] of [
      [owner, uploadingNotebook],
      // The admin has a job of the same name: acting on ada's must never reach it.
      [admin, pythonNotebook({ cells: ['print("the admin\'s own report")'] })],
    ] as const) {
      const created = await api(user, '/jobs', {
        method: 'POST',
        body: JSON.stringify({
          name: job,
          environment: 'cpu-base',
          notebook: { path: `${job}.ipynb`, content },
          retries: 0,
          outputs: ['ipynb', 'html'],
        }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
    }
    const run = await runToTheEnd();
    runId = run.id;
    expect(run.artifacts).toEqual(expect.arrayContaining(['output.ipynb', 'output.html']));
    ownerBrowser = await launchChromium();
    adminBrowser = await launchChromium();
  });

  afterAll(async () => {
    await ownerBrowser?.close();
    await adminBrowser?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("runs none of the output's scripts when its owner opens it, and saves it untrusted", async () => {
    const page = await ownerBrowser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await logInToLab(page, stack.url, owner);
    const jobs = await showSidePanel(page, 'turing-jobs');
    await openOutput(page, jobs.getByTestId(`job-${job}`));
    await page.screenshot({ path: join(screenshots, '31-output-untrusted-owner.png') });
    expect(await pwned(page)).toBeUndefined();
    await expectSavedUntrusted(page, owner);
  });

  it("lets an admin open another user's run output from the panel, untrusted, never touching the admin's own job of that name", async () => {
    const page = await adminBrowser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await logInToLab(page, stack.url, admin);
    const jobs = await showSidePanel(page, 'turing-jobs');
    // The admin's panel lists both "report" jobs; the owner's says whose it is.
    const ownersRow = jobs.locator(`[data-testid="job-${job}"][data-owner="${owner}"]`);
    await ownersRow.waitFor({ timeout: 30_000 });
    expect(await ownersRow.getByTestId(`job-owner-${job}`).textContent()).toBe(owner);
    await jobs.locator(`[data-testid="job-${job}"][data-owner="${admin}"]`).waitFor();
    await openOutput(page, ownersRow);
    await page.screenshot({ path: join(screenshots, '32-output-untrusted-admin.png') });
    expect(await pwned(page)).toBeUndefined();
    await expectSavedUntrusted(page, admin);

    // "Run now" on the owner's row runs the owner's job, not the admin's.
    await ownersRow.getByRole('button', { name: 'Run now' }).click();
    await expect
      .poll(
        async () => ((await (await api(owner, `/jobs/${job}/runs`)).json()) as { items: Run[] }).items.length,
        {
          timeout: 30_000,
        },
      )
      .toBe(2);
    const adminsRuns = (await (await api(admin, `/jobs/${job}/runs`)).json()) as { items: Run[] };
    expect(adminsRuns.items).toEqual([]);
  });

  it('serves the HTML output to a browser sandboxed: no script runs, no redirect, nosniff and the CSP', async () => {
    const page = await adminBrowser.context.newPage();
    const url = `${stack.url}/services/turing/api/v1/runs/${runId}/output?format=html&user=${owner}`;
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['x-content-type-options']).toBe('nosniff');
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toMatch(/^sandbox; default-src 'none'(;|$)/);
    expect(csp).not.toMatch(/allow-scripts|script-src/);
    await page.getByText('report page').waitFor();
    expect(await pwned(page)).toBeUndefined();
    await page.waitForTimeout(1500); // a refresh of 0 s would have navigated by now
    expect(page.url()).toBe(url);
  });
});
