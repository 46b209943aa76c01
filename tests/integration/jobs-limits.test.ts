import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runReadinessChecks } from '../../hub-proxy/src/observability/readiness.js';
import { waitUntil } from '../support/child-process.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { pythonNotebook } from '../support/notebooks.js';
import { createNamespace } from '../support/namespaces.js';
import { startLocalJobsHub, type LocalJobsHub } from '../support/local-jobs-hub.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

interface Problem {
  type: string;
  status: number;
  detail?: string;
  quota?: string;
  limit?: number;
  used?: number;
}

const LIMITS = { jobsPerUser: 2, runNowPerMinute: 4, maxParametersBytes: 1024 };
const sleeper = pythonNotebook({ cells: ['import time\ntime.sleep(300)'] });

/**
 * Per-user limits through the HTTP API: a real JupyterHub authenticates,
 * an in-process hub-proxy runs the local runtime (real papermill runs) with
 * small limits from `TURING_JOBS_LIMITS`, a GPU quota of 1 and at most two
 * event streams per user with a 1 s heartbeat. Each case uses its own user.
 */
describe('per-user limits through the API (real JupyterHub, local runtime)', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'turing-jobs-limits-'));
  let proxy: InProcessHubProxy;
  let stack: LocalJobsHub | undefined;
  const tokens: Record<string, string> = {};
  const started: Array<{ user: string; id: string }> = [];

  const call = (user: string, path: string, init: RequestInit = {}) =>
    fetch(`${proxy.base}${path}`, {
      ...init,
      headers: {
        Authorization: `token ${tokens[user] ?? ''}`,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
  const post = (user: string, path: string, body: unknown) =>
    call(user, path, { method: 'POST', body: JSON.stringify(body) });
  const createJob = (user: string, name: string, fields: Record<string, unknown> = {}) =>
    post(user, '/api/v1/jobs', {
      name,
      notebook: { path: `${name}.ipynb`, content: sleeper },
      environment: 'cpu-base',
      ...fields,
    });
  async function runNow(user: string, job: string, body: unknown = {}): Promise<Response> {
    const res = await post(user, `/api/v1/jobs/${job}/runs`, body);
    if (res.status === 201) started.push({ user, id: ((await res.clone().json()) as { id: string }).id });
    return res;
  }
  async function problem(res: Response, status: number): Promise<Problem> {
    expect(res.status, await res.clone().text()).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await res.json()) as Problem;
  }

  beforeAll(async () => {
    stack = await startLocalJobsHub({
      serviceToken,
      dir,
      users: ['alice', 'bob', 'carol', 'dave'],
      env: {
        TURING_JOBS_LIMITS: JSON.stringify(LIMITS),
        TURING_DEFAULT_MAX_GPUS: '1',
        // The concurrentRuns quota's seed (the quotas replace jobs.limits.activeRunsPerUser).
        TURING_QUOTAS_DEFAULTS: JSON.stringify({ concurrentRuns: 2 }),
        TURING_SSE_MAX_CONNECTIONS_PER_USER: '2',
        TURING_SSE_HEARTBEAT_SECONDS: '1',
        // Limits are per user, so this test needs several on one local runtime.
        TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER: '1',
      },
    });
    ({ proxy } = stack);
    Object.assign(tokens, stack.tokens);
  });

  afterAll(async () => {
    await Promise.all(
      started.map(({ user, id }) =>
        call(user, `/api/v1/runs/${id}`, { method: 'DELETE' }).catch(() => undefined),
      ),
    );
    await stack?.stop();
  });

  it('refuses a job past jobsPerUser with 429 naming the limit', async () => {
    expect((await createJob('alice', 'one')).status).toBe(201);
    expect((await createJob('alice', 'two')).status).toBe(201);
    const p = await problem(await createJob('alice', 'three'), 429);
    expect(p).toMatchObject({
      type: 'https://turing.dev/problems/quota-exceeded',
      quota: 'jobsPerUser',
      limit: 2,
      used: 2,
    });
    expect(p.detail).toMatch(/jobsPerUser/);
  });

  it('refuses parameters over maxParametersBytes with 413 on create and run-now', async () => {
    const big = { blob: 'x'.repeat(2000) };
    const created = await problem(await createJob('bob', 'params', { parameters: big }), 413);
    expect(created).toMatchObject({ type: 'https://turing.dev/problems/parameters-too-large' });
    expect(created.detail).toMatch(/maxParametersBytes/);
    expect((await createJob('bob', 'params', { concurrency: 'allow' })).status).toBe(201);
    const run = await problem(await runNow('bob', 'params', { parameters: big }), 413);
    expect(run.detail).toMatch(/maxParametersBytes\) is 1 KiB/);
  });

  it('refuses a run-now past the concurrentRuns quota with 429, and admits again once a run is cancelled', async () => {
    // bob's job from the case above; his runs so far: none.
    const first = (await (await runNow('bob', 'params')).json()) as { id: string };
    expect((await runNow('bob', 'params')).status).toBe(201);
    const p = await problem(await runNow('bob', 'params'), 429);
    expect(p).toMatchObject({ quota: 'concurrentRuns', limit: 2, used: 2 });
    await call('bob', `/api/v1/runs/${first.id}`, { method: 'DELETE' });
    await waitUntil(
      'the cancelled run to end',
      async () =>
        ((await (await call('bob', `/api/v1/runs/${first.id}`)).json()) as { state: string }).state ===
        'cancelled',
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect((await runNow('bob', 'params')).status).toBe(201);
  });

  it('refuses run-now calls past runNowPerMinute with 429 and Retry-After, refused calls included', async () => {
    expect((await createJob('dave', 'rate', { concurrency: 'forbid' })).status).toBe(201);
    expect((await runNow('dave', 'rate')).status).toBe(201);
    // The job forbids a second run while one is active: 409, but each call still counts.
    for (let i = 0; i < 3; i++) expect((await runNow('dave', 'rate')).status).toBe(409);
    const res = await runNow('dave', 'rate');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await problem(res, 429)).toMatchObject({ quota: 'runNowPerMinute', limit: 4, used: 4 });
  });

  it("counts GPU runs against the owner's GPU quota: 403 at create over the quota, and beside an active run", async () => {
    const gpuJob = (name: string, gpus: number) =>
      createJob('carol', name, {
        environment: 'tf-2.16-cuda12.3',
        resources: { gpus },
        concurrency: 'allow',
      });
    const tooBig = await problem(await gpuJob('huge', 2), 403);
    expect(tooBig).toMatchObject({ type: 'https://turing.dev/problems/gpu-quota-exceeded' });
    expect((await gpuJob('train', 1)).status).toBe(201);
    expect((await runNow('carol', 'train')).status).toBe(201);
    const beside = await problem(await runNow('carol', 'train'), 403);
    expect(beside.type).toBe('https://turing.dev/problems/gpu-quota-exceeded');
    expect(beside.detail).toMatch(/1 of 1 GPUs in use \(0 on your servers, 1 by your job runs\)/);
    // The environments view counts the run in the quota too.
    const view = (await (await call('carol', '/api/v1/environments')).json()) as { quota: unknown };
    expect(view.quota).toEqual({ maxGpus: 1, usedGpus: 1, remainingGpus: 0 });
  });

  it('caps event streams per user at 2 with 429, and sends heartbeats every second on idle streams', async () => {
    // bob's newest run is still running (the case above cancelled only his first).
    const run = started.filter((r) => r.user === 'bob').at(-1);
    if (!run) throw new Error('bob has no run to follow');
    const follow = () => {
      const controller = new AbortController();
      const response = call('bob', `/api/v1/runs/${run.id}/log?follow=1`, { signal: controller.signal });
      return { response, close: () => controller.abort() };
    };
    const streams = [follow(), follow()];
    const opened = await Promise.all(streams.map((s) => s.response));
    try {
      expect(opened.map((r) => r.status)).toEqual([200, 200]);
      const refused = await problem(await follow().response, 429);
      expect(refused).toMatchObject({ quota: 'sseConnectionsPerUser', limit: 2, used: 2 });
      // The run sleeps, so after its first output only heartbeats keep the stream busy.
      const reader = opened[0]?.body?.getReader();
      let text = '';
      const deadline = Date.now() + 5_000;
      while (!text.includes(': keep-alive') && Date.now() < deadline) {
        const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(text).toContain(': keep-alive');
    } finally {
      for (const stream of streams) stream.close();
    }
  });
});

/**
 * The same counts on the kubernetes runtime: jobs from the NotebookJob
 * listing, active runs from the run Jobs in the informer cache.
 */
describe('per-user limits on the kubernetes runtime (real kube-apiserver)', () => {
  const kubeconfigPath = inject('kubeconfigPath');
  const namespace = `jobs-limits-${randomBytes(3).toString('hex')}`;
  const serviceToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'turing-jobs-limits-k8s-'));
  let hub: JupyterHub;
  let proxy: InProcessHubProxy;
  let token = '';

  const post = (path: string, body: unknown) =>
    fetch(`${proxy.base}${path}`, {
      method: 'POST',
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const createJob = (name: string) =>
    post('/api/v1/jobs', {
      name,
      notebook: { path: `${name}.ipynb`, content: sleeper },
      environment: 'cpu-base',
      concurrency: 'allow',
    });

  beforeAll(async () => {
    await createNamespace(kubeconfigPath, namespace);
    const port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    await hub.createUser('erin');
    token = await hub.tokenFor('erin');
    proxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: {
        TURING_RUNTIME: 'kubernetes',
        TURING_KUBECONFIG: kubeconfigPath,
        TURING_NAMESPACE: namespace,
        TURING_LEASE_DURATION_SECONDS: '3',
        TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
        TURING_JOBS_LIMITS: JSON.stringify({ jobsPerUser: 2 }),
        TURING_QUOTAS_DEFAULTS: JSON.stringify({ concurrentRuns: 1 }),
      },
    });
    await waitUntil(
      'hub-proxy ready (caches synced)',
      async () => (await runReadinessChecks(proxy.assembled.extras.readinessChecks)).ready,
      { timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    await proxy?.stop();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the third job and a second active run with 429 naming the limit', async () => {
    expect((await createJob('one')).status).toBe(201);
    expect((await createJob('two')).status).toBe(201);
    const third = await createJob('three');
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ quota: 'jobsPerUser', limit: 2, used: 2 });

    const first = await post('/api/v1/jobs/one/runs', {});
    expect(first.status).toBe(201);
    // The run's Job reaches the informer cache the count reads (the history is read from it too).
    await waitUntil(
      'the run in the cache',
      async () => {
        const res = await fetch(`${proxy.base}/api/v1/jobs/one/runs`, {
          headers: { Authorization: `token ${token}` },
        });
        return ((await res.json()) as { items: unknown[] }).items.length === 1;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const second = await post('/api/v1/jobs/two/runs', {});
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ quota: 'concurrentRuns', limit: 1, used: 1 });
  });
});
