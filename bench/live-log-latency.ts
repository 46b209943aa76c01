import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { jobObjectName } from '../hub-proxy/src/jobs/naming.js';
import { jobBody } from '../tests/support/api-stack.js';
import { launchChromium } from '../tests/support/chromium.js';
import {
  ControlPlane,
  KWOK_LOG_NAMESPACES,
  criLogLine,
  kwokPodLogFile,
} from '../tests/support/control-plane.js';
import { installCrds } from '../tests/support/crds.js';
import { eventually } from '../tests/support/eventually.js';
import { startInProcessHubProxy } from '../tests/support/in-process-hub-proxy.js';
import { logInToLab, newLabPage, showSidePanel } from '../tests/support/lab-page.js';
import { createNamespace } from '../tests/support/namespaces.js';
import { KWOK_OUTCOME_LABEL } from '../tests/support/notebook-job-fixtures.js';
import { freePort } from '../tests/support/ports.js';
import { followRunLog } from '../tests/support/sse-log-reader.js';
import { turingHub } from '../tests/support/turing-hub.js';
import { formatSummary, summarize, type Summary } from './stats.js';

const execFileAsync = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USER = 'bench-live';

/** Stamps, in the page, when each line of the run log view first appears (`window.turingSeen`). */
const STAMP_SCRIPT = `(() => {
  const element = document.querySelector('[data-bench-stamp]');
  const seen = {};
  window.turingSeen = seen;
  function stamp() {
    const now = Date.now();
    for (const line of (element.textContent || '').split('\\n')) if (!(line in seen)) seen[line] = now;
  }
  new MutationObserver(stamp).observe(element, { childList: true, characterData: true, subtree: true });
  stamp();
})()`;

/** What {@link benchLiveLogLatency} measured. */
export interface LiveLogLatency {
  /** Line appended to the pod's log file -> shown in the lab's run log view. */
  browser: Summary;
  /** The same lines -> received by an SSE client of hub-proxy's log endpoint. */
  sse: Summary;
  /** Baseline: the same lines -> printed by `kubectl logs -f` (apiserver straight from kwok). */
  kubectl: Summary;
  resultsPath: string;
  lines: string[];
}

/**
 * "Appended -> visible" latency of a Kubernetes run's live log over `count`
 * lines, on a real control plane: a line is appended to the file kwok serves
 * as the run pod's container log, and the time until it shows is taken at
 * three places at once, each line: the lab's run log view in Chromium
 * (a MutationObserver stamps it), a Node SSE client of
 * `/api/v1/runs/{id}/log?follow=1`, and, as the same-run baseline,
 * `kubectl logs -f` on the pod. Writes `bench/results/live-log-latency.json`.
 */
export async function benchLiveLogLatency(count = 20): Promise<LiveLogLatency> {
  const controlPlane = new ControlPlane();
  await controlPlane.start();
  const cleanups: Array<() => Promise<unknown>> = [async () => controlPlane.stop()];
  try {
    const kubeconfigPath = controlPlane.kubeconfigPath;
    await installCrds(kubeconfigPath);
    const namespace = KWOK_LOG_NAMESPACES.bench;
    await createNamespace(kubeconfigPath, namespace);
    const logFile = kwokPodLogFile(kubeconfigPath, namespace);
    writeFileSync(logFile, '');

    const serviceToken = randomBytes(24).toString('hex');
    const port = await freePort();
    const hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    cleanups.unshift(() => hub.stop());
    const proxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: { TURING_RUNTIME: 'kubernetes', TURING_KUBECONFIG: kubeconfigPath, TURING_NAMESPACE: namespace },
    });
    cleanups.unshift(() => proxy.stop());
    const browser = await launchChromium();
    cleanups.unshift(() => browser.close());
    const page = await newLabPage(browser);
    await logInToLab(page, hub.url, USER);
    const token = await hub.tokenFor(USER);
    const api = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${hub.url}/services/turing/api/v1${path}`, {
        ...init,
        headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as { id: string; state: string };
    };

    // A run kwok keeps Running (tests/support/kwok-outcome-stages.yaml).
    await api('/jobs', { method: 'POST', body: JSON.stringify(jobBody('live')) });
    const kubectl = ['--kubeconfig', kubeconfigPath, '-n', namespace];
    await execFileAsync('kubectl', [
      ...kubectl,
      'label',
      'notebookjob',
      jobObjectName(USER, 'live'),
      `${KWOK_OUTCOME_LABEL}=hang`,
    ]);
    const runId = (await api('/jobs/live/runs', { method: 'POST', body: '{}' })).id;
    await eventually(
      'the run to be running',
      60_000,
      async () => (await api(`/runs/${runId}`)).state === 'running',
      250,
    );
    const { stdout: podName } = await execFileAsync('kubectl', [
      ...kubectl,
      'get',
      'pods',
      '-l',
      `batch.kubernetes.io/job-name=${runId}`,
      '-o',
      'jsonpath={.items[0].metadata.name}',
    ]);

    // Baseline reader: kubectl straight at the apiserver.
    const kubectlTimes = new Map<string, number>();
    const follower = spawn('kubectl', [...kubectl, 'logs', '-f', podName, '-c', 'runner']);
    cleanups.unshift(async () => follower.kill());
    let partial = '';
    follower.stdout.on('data', (data: Buffer) => {
      const now = Date.now();
      const lines = (partial + data.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (!kubectlTimes.has(line)) kubectlTimes.set(line, now);
    });
    const sse = await followRunLog(proxy.base, token, runId);
    cleanups.unshift(async () => sse.stop());

    // The lab: the run's log view open in the Jobs panel, stamping each line as it appears.
    const panel = await showSidePanel(page, 'turing-jobs');
    await panel.getByRole('button', { name: 'Refresh jobs' }).click();
    const card = panel.getByTestId('job-live');
    const toggle = card.getByRole('button', { name: 'live', exact: true });
    await toggle.waitFor({ timeout: 30_000 });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    const row = card.getByTestId(`run-${runId}`);
    await row.getByRole('button', { name: 'Show log of run 1 of live', exact: true }).click();
    const view = row.getByTestId('run-log-text');
    await view.waitFor({ timeout: 30_000 });
    // A string, not a function: tsx's name helpers (`__name`) do not exist in the page.
    await view.evaluate((element) => element.setAttribute('data-bench-stamp', ''));
    await page.evaluate(STAMP_SCRIPT);
    const browserSeen = () =>
      page.evaluate(() => (window as unknown as { turingSeen: Record<string, number> }).turingSeen);

    // Warm-up line: every reader is connected and has shown something.
    const warm = `warm-up ${randomBytes(3).toString('hex')}`;
    appendFileSync(logFile, criLogLine(warm));
    await eventually(
      'the warm-up line everywhere',
      60_000,
      async () =>
        kubectlTimes.has(warm) && sse.lineTimes.has(warm) && (await browserSeen())[warm] !== undefined,
      100,
    );

    const appended = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const line = `line ${i} ${randomBytes(3).toString('hex')}`;
      appended.set(line, Date.now());
      appendFileSync(logFile, criLogLine(line));
      await eventually(
        `line ${i} everywhere`,
        30_000,
        async () =>
          kubectlTimes.has(line) && sse.lineTimes.has(line) && (await browserSeen())[line] !== undefined,
        10,
      );
      await new Promise((r) => setTimeout(r, 200));
    }
    const seenInBrowser = await browserSeen();
    // sse.lineTimes are performance.now(); convert once through the same offset.
    const offset = Date.now() - performance.now();
    const samples = { browser: [] as number[], sse: [] as number[], kubectl: [] as number[] };
    for (const [line, at] of appended) {
      samples.browser.push((seenInBrowser[line] ?? NaN) - at);
      samples.sse.push((sse.lineTimes.get(line) ?? NaN) + offset - at);
      samples.kubectl.push((kubectlTimes.get(line) ?? NaN) - at);
    }
    const result = {
      browser: summarize(samples.browser),
      sse: summarize(samples.sse),
      kubectl: summarize(samples.kubectl),
    };
    const resultsPath = writeResults(result, count);
    return {
      ...result,
      resultsPath,
      lines: [
        formatSummary('appended -> lab run log view (Chromium)', result.browser),
        formatSummary('appended -> SSE client of hub-proxy', result.sse),
        formatSummary('baseline: appended -> kubectl logs -f', result.kubectl),
        `wrote ${resultsPath}`,
      ],
    };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Writes the figures, the same-run baseline and the machine to `bench/results/live-log-latency.json`. */
function writeResults(result: { browser: Summary; sse: Summary; kubectl: Summary }, count: number): string {
  const results = {
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
      loadavg: loadavg().map(round1),
      node: process.version,
    },
    settings: {
      lines: count,
      measure:
        'a CRI log line appended to the file kwok serves as the run pod container log, until it shows in the ' +
        "lab's run log view (Chromium, MutationObserver), at an SSE client of /api/v1/runs/{id}/log?follow=1, " +
        'and (baseline) in kubectl logs -f; sequential lines 200 ms apart, all three readers at once',
    },
    appended_to_browser_p50_ms: round1(result.browser.p50),
    appended_to_browser_p95_ms: round1(result.browser.p95),
    appended_to_browser_max_ms: round1(result.browser.max),
    appended_to_sse_p50_ms: round1(result.sse.p50),
    appended_to_sse_p95_ms: round1(result.sse.p95),
    baseline_kubectl_p50_ms: round1(result.kubectl.p50),
    baseline_kubectl_p95_ms: round1(result.kubectl.p95),
    goals: {
      appended_to_browser_p95_ms: {
        value: round1(result.browser.p95),
        goal: '<= 1000',
        met: result.browser.p95 <= 1000,
      },
    },
  };
  const out = resolve(repoRoot, 'bench/results/live-log-latency.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  return out;
}
