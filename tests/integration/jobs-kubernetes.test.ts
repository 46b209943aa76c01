import { BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotebookJob } from '../../hub-proxy/src/jobs/model.js';
import { jobObjectName } from '../../hub-proxy/src/jobs/naming.js';
import { runJobManifest } from '../../hub-proxy/src/jobs/kubernetes/index.js';
import { hubProxyKubeconfig } from '../support/chart-service-account.js';
import { startProcess, waitUntil, type ManagedProcess } from '../support/child-process.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { createNamespace } from '../support/namespaces.js';
import { pythonNotebook } from '../support/notebooks.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const RESYNC_SECONDS = 2;
const execFileAsync = promisify(execFile);

interface Run {
  id: string;
  state: string;
  trigger: string;
  triggeredBy?: string;
}

/**
 * Dependencies and alerts on the kubernetes runtime, with hub-proxy as a real
 * process (main.ts) that the test kills and restarts. kwok completes or fails
 * the run pods (no container runtime: kwok is the fake one).
 */
describe('job dependencies and alerts on Kubernetes, across hub-proxy restarts', () => {
  const kubeconfigPath = inject('kubeconfigPath');
  const namespace = `jobs-k8s-${randomBytes(3).toString('hex')}`;
  const serviceToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'turing-jobs-k8s-'));
  let port = 0;
  let hub: JupyterHub;
  let hubProxy: ManagedProcess | undefined;
  let token = '';
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const batch = kc.makeApiClient(BatchV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  let generation = 0;

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${hub.url}/services/turing${path}`, {
      ...init,
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    });

  async function startHubProxy(): Promise<void> {
    generation += 1;
    hubProxy = startProcess(
      `hub-proxy-${generation}`,
      process.execPath,
      ['--import', 'tsx', resolve(repoRoot, 'hub-proxy/src/main.ts')],
      {
        cwd: repoRoot,
        logDir: dir,
        env: {
          ...process.env,
          TURING_HUB_API_URL: hub.apiUrl,
          TURING_API_TOKEN: serviceToken,
          TURING_LISTEN_PORT: String(port),
          TURING_OPS_LISTEN_PORT: '0',
          TURING_MODELS_API_KEY_LISTEN_PORT: '0',
          // As the chart's ServiceAccount, with exactly the chart's RBAC.
          TURING_KUBECONFIG: await hubProxyKubeconfig(kubeconfigPath, namespace),
          TURING_NAMESPACE: namespace,
          TURING_LEASE_DURATION_SECONDS: '3',
          TURING_JOBS_RESYNC_SECONDS: String(RESYNC_SECONDS),
          TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
          // The test receiver listens on loopback, which webhooks reach only when allowed.
          TURING_ALERTS_ALLOWED_CIDRS: '127.0.0.1/32',
        },
      },
    );
    const started = hubProxy;
    await waitUntil(
      `${started.name} ready`,
      async () => (await fetch(`http://127.0.0.1:${port}/services/turing/readyz`)).ok,
      {
        timeoutMs: 60_000,
        process: started,
      },
    );
  }

  /** SIGKILL: no Lease release, no draining, nothing. */
  async function killHubProxy(): Promise<void> {
    const victim = hubProxy;
    victim?.child.kill('SIGKILL');
    await victim?.exited;
    hubProxy = undefined;
  }

  async function runsOf(job: string): Promise<Run[]> {
    const res = await api(`/api/v1/jobs/${job}/runs`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Run[] }).items;
  }

  async function jobsLabelled(selector: string): Promise<string[]> {
    const list = await batch.listNamespacedJob({ namespace, labelSelector: selector });
    return list.items.map((j) => j.metadata?.name ?? '');
  }

  async function readNotebookJob(name: string): Promise<NotebookJob> {
    return (await custom.getNamespacedCustomObject({
      group: 'turing.dev',
      version: 'v1alpha1',
      namespace,
      plural: 'notebookjobs',
      name: jobObjectName('alice', name),
    })) as NotebookJob;
  }

  async function waitForJobCondition(name: string, type: 'Complete' | 'Failed'): Promise<void> {
    await waitUntil(
      `Job ${name} ${type}`,
      async () => {
        const job = await batch.readNamespacedJob({ name, namespace });
        return job.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }

  function createJob(body: Record<string, unknown>) {
    return api('/api/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({
        notebook: { path: `${String(body.name)}.ipynb`, content: pythonNotebook({ cells: ['print(1)'] }) },
        environment: 'cpu-base',
        ...body,
      }),
    });
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    await createNamespace(kubeconfigPath, namespace);
    port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    await hub.createUser('alice');
    token = await hub.tokenFor('alice');
    await startHubProxy();
  });

  afterAll(async () => {
    await hubProxy?.stop();
    await hub?.stop();
    await receiver?.close();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts exactly one downstream run per upstream success, even when hub-proxy is killed in between', async () => {
    expect((await createJob({ name: 'extract' })).status).toBe(201);
    expect((await createJob({ name: 'load', dependsOn: ['extract'] })).status).toBe(201);
    const loadObject = jobObjectName('alice', 'load');

    // hub-proxy dies; the upstream run is started and finishes while nobody watches.
    await killHubProxy();
    const extract = await readNotebookJob('extract');
    const upstreamId = `${extract.metadata.name ?? ''}-moffline1`;
    const manifest = runJobManifest(
      extract,
      { id: upstreamId, trigger: 'manual' },
      { runnerApiUrl: 'http://127.0.0.1:1/', gpuPlacementFor: () => undefined },
    );
    await batch.createNamespacedJob({ namespace, body: manifest });
    await waitForJobCondition(upstreamId, 'Complete');
    expect(await jobsLabelled(`turing.dev/notebookjob=${loadObject}`)).toEqual([]);

    // A fresh hub-proxy finds the finished upstream run and triggers the downstream once.
    await startHubProxy();
    await waitUntil('one downstream run', async () => (await runsOf('load')).length > 0, {
      timeoutMs: 60_000,
    });
    const [downstream] = await runsOf('load');
    expect(downstream).toMatchObject({ trigger: 'dependency', triggeredBy: upstreamId });

    // Resyncs and another restart must not add a second one.
    await new Promise((r) => setTimeout(r, 3 * RESYNC_SECONDS * 1000));
    await killHubProxy();
    await startHubProxy();
    await new Promise((r) => setTimeout(r, 3 * RESYNC_SECONDS * 1000));
    expect(await jobsLabelled(`turing.dev/notebookjob=${loadObject}`)).toHaveLength(1);

    // A second upstream success: exactly one more.
    const second = (await (
      await api('/api/v1/jobs/extract/runs', { method: 'POST', body: '{}' })
    ).json()) as Run;
    await waitForJobCondition(second.id, 'Complete');
    await waitUntil('a second downstream run', async () => (await runsOf('load')).length === 2, {
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 3 * RESYNC_SECONDS * 1000));
    const runs = await runsOf('load');
    expect(runs.map((r) => r.triggeredBy).sort()).toEqual([upstreamId, second.id].sort());
  });

  it('delivers exactly one failure alert for a failed run, and records it in status', async () => {
    expect(
      (await createJob({ name: 'flaky', alerts: [{ on: ['failure'], webhook: receiver.url }] })).status,
    ).toBe(201);
    const objectName = jobObjectName('alice', 'flaky');
    // Pods of this job fail (tests/support/kwok-outcome-stages.yaml); labels reach the pods.
    await execFileAsync('kubectl', [
      '--kubeconfig',
      kubeconfigPath,
      '-n',
      namespace,
      'label',
      'notebookjob',
      objectName,
      'turing.dev/kwok-outcome=fail',
    ]);
    const run = (await (await api('/api/v1/jobs/flaky/runs', { method: 'POST', body: '{}' })).json()) as Run;
    await waitUntil(
      'run failed',
      async () => ((await (await api(`/api/v1/runs/${run.id}`)).json()) as Run).state === 'failed',
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const forRun = () => receiver.received.filter((r) => JSON.stringify(r.body).includes(run.id));
    await waitUntil('the alert', async () => forRun().length > 0, { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 3 * RESYNC_SECONDS * 1000));
    await killHubProxy();
    await startHubProxy();
    await new Promise((r) => setTimeout(r, 3 * RESYNC_SECONDS * 1000));
    expect(forRun()).toHaveLength(1);
    expect(forRun()[0]?.body).toMatchObject({ turing: { event: 'failure', state: 'failed', job: 'flaky' } });
    const job = await readNotebookJob('flaky');
    expect(job.status?.alerts).toEqual([
      expect.objectContaining({ run: run.id, event: 'failure', delivered: true, attempts: 1 }),
    ]);
  });

  it('answers a run id or job name that is no DNS label with 400, not with what Kubernetes finds there', async () => {
    expect((await createJob({ name: 'probe' })).status).toBe(201);
    const probe = (await (
      await api('/api/v1/jobs/probe/runs', { method: 'POST', body: '{}' })
    ).json()) as Run;
    expect(await jobsLabelled(`turing.dev/notebookjob=${jobObjectName('alice', 'probe')}`)).toEqual([
      probe.id,
    ]);
    const paths = [
      '/api/v1/runs/%2E',
      '/api/v1/runs/%2e%2e',
      '/api/v1/runs/..',
      '/api/v1/runs/a%2Fb',
      '/api/v1/runs/UPPER',
      `/api/v1/runs/${'a'.repeat(64)}`,
      '/api/v1/runs/%2E/log',
      '/api/v1/jobs/%2E',
      '/api/v1/jobs/%2E/runs',
    ];
    for (const path of paths) {
      // Straight to hub-proxy and unnormalised, as `curl --path-as-is` sends it (fetch drops dot segments).
      const res = await rawGet(port, `/services/turing${path}`, token);
      expect(res.status, path).toBe(400);
      expect(res.contentType, path).toMatch(/^application\/problem\+json/);
      expect(res.body, path).not.toContain(probe.id);
    }
    expect((await api(`/api/v1/runs/${probe.id}`)).status).toBe(200);
  });
});

/** GET `path` from hub-proxy on loopback `port`, sent exactly as given (no dot-segment removal). */
function rawGet(
  port: number,
  path: string,
  hubToken: string,
): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, headers: { Authorization: `token ${hubToken}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
