import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jobObjectName } from '../../hub-proxy/src/jobs/naming.js';
import { jobBody } from '../support/api-stack.js';
import { launchChromium } from '../support/chromium.js';
import { KWOK_LOG_NAMESPACES, criLogLine, kwokPodLogFile } from '../support/control-plane.js';
import { eventually } from '../support/eventually.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { logInToLab, newLabPage, showSidePanel } from '../support/lab-page.js';
import { createNamespace } from '../support/namespaces.js';
import { KWOK_OUTCOME_LABEL } from '../support/notebook-job-fixtures.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

const execFileAsync = promisify(execFile);
const screenshots = resolve(import.meta.dirname, '../../test-results/screenshots');
const user = 'lena';

// A Kubernetes run's log in the lab while it runs: the panel's run log view
// follows the run (SSE), hub-proxy follows the pod's log through the real
// kube-apiserver, and kwok serves the file this test appends to.
describe('live run log of a Kubernetes run in the lab (Chromium)', () => {
  const kubeconfigPath = inject('kubeconfigPath');
  const namespace = KWOK_LOG_NAMESPACES.browser;
  const logFile = kwokPodLogFile(kubeconfigPath, namespace);
  const serviceToken = randomBytes(24).toString('hex');
  let hub: JupyterHub;
  let hubProxy: InProcessHubProxy;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let token = '';
  let runId = '';

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${hub.url}/services/turing/api/v1${path}`, {
      ...init,
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as { id: string; state: string };
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    writeFileSync(logFile, '');
    await createNamespace(kubeconfigPath, namespace);
    const port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    hubProxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: { TURING_RUNTIME: 'kubernetes', TURING_KUBECONFIG: kubeconfigPath, TURING_NAMESPACE: namespace },
    });
    browser = await launchChromium();
    page = await newLabPage(browser);
    await logInToLab(page, hub.url, user);
    token = await hub.tokenFor(user);
    await api('/jobs', { method: 'POST', body: JSON.stringify(jobBody('live')) });
    // kwok keeps the pods of this job Running (tests/support/kwok-outcome-stages.yaml).
    await execFileAsync('kubectl', [
      '--kubeconfig',
      kubeconfigPath,
      '-n',
      namespace,
      'label',
      'notebookjob',
      jobObjectName(user, 'live'),
      `${KWOK_OUTCOME_LABEL}=hang`,
    ]);
    runId = (await api('/jobs/live/runs', { method: 'POST', body: '{}' })).id;
    await eventually(
      'the run to be running',
      60_000,
      async () => (await api(`/runs/${runId}`)).state === 'running',
      250,
    );
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await hubProxy?.stop();
    await hub?.stop();
  });

  it('shows a line appended to the pod’s log in the open run log view while the run runs', async () => {
    const marker = randomBytes(4).toString('hex');
    appendFileSync(logFile, criLogLine(`started ${marker}`));
    const panel = await showSidePanel(page, 'turing-jobs');
    await panel.getByRole('button', { name: 'Refresh jobs' }).click();
    const card = panel.getByTestId('job-live');
    const toggle = card.getByRole('button', { name: 'live', exact: true });
    await toggle.waitFor({ timeout: 30_000 });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    const row = card.getByTestId(`run-${runId}`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: 'Show log of run 1 of live', exact: true }).click();
    const log = row.getByTestId('run-log-text');
    await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain(`started ${marker}`);

    appendFileSync(logFile, criLogLine(`appended ${marker}`));
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain(`appended ${marker}`);
    expect((await api(`/runs/${runId}`)).state).toBe('running');
    await page.screenshot({ path: resolve(screenshots, 'live-run-log-kubernetes.png') });
  });
});
