import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/child-process.js';
import type { InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { pythonNotebook } from '../support/notebooks.js';
import { startLocalJobsHub, type LocalJobsHub } from '../support/local-jobs-hub.js';
import { freePort } from '../support/ports.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

interface Problem {
  status: number;
  title: string;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}
interface Run {
  id: string;
  job: string;
  state: string;
  trigger: string;
  triggeredBy?: string;
  attempt: number;
  progress?: { cell: number; cells: number };
  reason?: string;
  artifacts: string[];
}
interface Job {
  name: string;
  owner: string;
  state: string;
  suspended: boolean;
  notebook: { digest: string; path: string };
  schedule?: { description: string; nextRuns: string[] };
  lastRun?: { id: string; state: string };
  alertDeliveries: Array<{ run: string; event: string; delivered: boolean; target: string }>;
}

const paramsNotebook = pythonNotebook({
  parameters: "greeting = 'hello'\nn = 1",
  cells: ['result = greeting * n\nprint("RESULT:", result)'],
});
const failingNotebook = pythonNotebook({ cells: ['print("before")', '1 / 0', 'print("never")'] });
/** What job creation says about any refused or unreachable webhook, so it cannot probe the network. */
const WEBHOOK_REFUSED = 'The webhook URL is not allowed or not reachable.';

/**
 * The jobs API end to end: a real JupyterHub authenticates two users, an
 * in-process hub-proxy runs the local runtime (real papermill through the
 * runner) with the filesystem artifact store.
 */
describe('jobs API (real JupyterHub, local runtime, real papermill)', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'turing-jobs-api-'));
  let hub: JupyterHub;
  let proxy: InProcessHubProxy;
  let stack: LocalJobsHub | undefined;
  let base = '';
  const tokens: Record<string, string> = {};
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  const call = (user: string, path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        Authorization: `token ${tokens[user] ?? ''}`,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
  const post = (user: string, path: string, body: unknown) =>
    call(user, path, { method: 'POST', body: JSON.stringify(body) });
  const patch = (user: string, path: string, body: unknown) =>
    call(user, path, { method: 'PATCH', body: JSON.stringify(body) });

  async function problem(res: Response, status: number): Promise<Problem> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await res.json()) as Problem;
  }

  async function finished(user: string, id: string, timeoutMs = 120_000): Promise<Run> {
    let run: Run | undefined;
    await waitUntil(
      `run ${id} finished`,
      async () => {
        run = (await (await call(user, `/api/v1/runs/${id}`)).json()) as Run;
        return ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(run.state);
      },
      { timeoutMs, intervalMs: 250 },
    );
    return run as Run;
  }

  /** Keys under the user's artifact prefix, read through the store (nothing half-created must remain). */
  async function artifactKeys(user: string): Promise<string[]> {
    return (await proxy.artifacts.list(`users/${user}/`)).map((a) => a.key);
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    stack = await startLocalJobsHub({
      serviceToken,
      dir,
      users: ['alice', 'bob'],
      env: {
        // The test receiver listens on loopback, which webhooks reach only when allowed.
        TURING_ALERTS_ALLOWED_CIDRS: '127.0.0.1/32',
        // Alice and bob test ownership between users; the local runtime is one person's otherwise.
        TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER: '1',
      },
    });
    ({ hub, proxy } = stack);
    Object.assign(tokens, stack.tokens);
    base = proxy.base;
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  describe('bad input gets a 4xx naming the problem, and nothing is left behind', () => {
    const valid = {
      name: 'bad-input',
      notebook: { path: 'bad.ipynb', content: paramsNotebook },
      environment: 'cpu-base',
    };

    it('rejects an invalid cron with 400 on body.schedule.cron', async () => {
      const p = await problem(
        await post('alice', '/api/v1/jobs', { ...valid, schedule: { cron: '0 0 2 * * *', timezone: 'UTC' } }),
        400,
      );
      expect(p.errors).toEqual([{ field: 'body.schedule.cron', message: expect.stringMatching(/5 fields/) }]);
    });

    it('rejects an unknown environment with 400 on body.environment', async () => {
      const p = await problem(await post('alice', '/api/v1/jobs', { ...valid, environment: 'tf-9.9' }), 400);
      expect(p.errors?.[0]).toMatchObject({ field: 'body.environment' });
      expect(p.errors?.[0]?.message).toMatch(/Unknown environment "tf-9.9"; choose one of cpu-base/);
    });

    it('rejects a notebook without a kernelspec', async () => {
      const content = { ...paramsNotebook, metadata: {} };
      const p = await problem(
        await post('alice', '/api/v1/jobs', { ...valid, notebook: { path: 'x.ipynb', content } }),
        400,
      );
      expect(p.errors?.[0]?.field).toBe('body.notebook.content.metadata.kernelspec');
      expect(p.detail).toMatch(/no kernelspec/);
    });

    it('rejects a notebook over the size limit with 413', async () => {
      const big = pythonNotebook({ cells: [`x = "${'a'.repeat(4.5 * 1024 * 1024)}"`] });
      const p = await problem(
        await post('alice', '/api/v1/jobs', { ...valid, notebook: { path: 'big.ipynb', content: big } }),
        413,
      );
      expect(p.detail).toMatch(/is 4\.5 MiB without outputs; the limit is 4\.0 MiB/);
    });

    it('rejects an unreachable webhook URL with 400 on body.alerts[0].webhook', async () => {
      const closed = await freePort();
      const p = await problem(
        await post('alice', '/api/v1/jobs', {
          ...valid,
          alerts: [{ on: ['failure'], webhook: `http://127.0.0.1:${closed}/hook` }],
        }),
        400,
      );
      expect(p.errors).toEqual([{ field: 'body.alerts[0].webhook', message: WEBHOOK_REFUSED }]);
    });

    it.each([
      ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
      ['a private address', 'http://10.0.0.1:6443/api'],
      ["the hub's own API", 'HUB_API'],
    ])('refuses a webhook at %s with the same generic message', async (_what, webhook) => {
      const url = webhook === 'HUB_API' ? `${hub.apiUrl}/users` : webhook;
      const p = await problem(
        await post('alice', '/api/v1/jobs', { ...valid, alerts: [{ on: ['failure'], webhook: url }] }),
        400,
      );
      expect(p.errors).toEqual([{ field: 'body.alerts[0].webhook', message: WEBHOOK_REFUSED }]);
    });

    it('rejects a dependency on a job that does not exist', async () => {
      const p = await problem(await post('alice', '/api/v1/jobs', { ...valid, dependsOn: ['ghost'] }), 400);
      expect(p.errors).toEqual([{ field: 'body.dependsOn[0]', message: 'You have no job named "ghost".' }]);
    });

    it('rejects a bad job name and an unknown field', async () => {
      const p = await problem(await post('alice', '/api/v1/jobs', { ...valid, name: 'Bad_Name' }), 400);
      expect(p.errors?.[0]?.field).toBe('body.name');
      const q = await problem(await post('alice', '/api/v1/jobs', { ...valid, colour: 'red' }), 400);
      expect(JSON.stringify(q.errors)).toMatch(/colour/);
    });

    it('left no job and no artifact behind', async () => {
      const list = (await (await call('alice', '/api/v1/jobs')).json()) as { items: Job[] };
      expect(list.items.map((j) => j.name)).not.toContain('bad-input');
      expect(await artifactKeys('alice')).toEqual([]);
    });
  });

  it('creates a job, refuses a duplicate name, and keeps the first intact', async () => {
    const body = {
      name: 'greet',
      notebook: { path: 'work/greet.ipynb', content: paramsNotebook },
      environment: 'cpu-base',
      parameters: { greeting: 'bonjour', n: 2 },
      schedule: { cron: '0 2 * * *', timezone: 'Asia/Shanghai' },
      suspend: true,
    };
    const created = await post('alice', '/api/v1/jobs', body);
    expect(created.status).toBe(201);
    const job = (await created.json()) as Job;
    expect(job).toMatchObject({ name: 'greet', owner: 'alice', state: 'paused', suspended: true });
    expect(job.schedule?.description).toBe('At 02:00 (Asia/Shanghai)');
    const dup = await problem(await post('alice', '/api/v1/jobs', { ...body, parameters: {} }), 409);
    expect(dup.detail).toMatch(/already have a job named "greet"/);
    const again = (await (await call('alice', '/api/v1/jobs/greet')).json()) as Job & {
      parameters: Record<string, unknown>;
    };
    expect(again.parameters).toEqual({ greeting: 'bonjour', n: 2 });
    expect(again.notebook.digest).toBe(job.notebook.digest);
  });

  it('resumes a paused job and shows its next five runs', async () => {
    const res = await patch('alice', '/api/v1/jobs/greet', { suspend: false });
    expect(res.status).toBe(200);
    const job = (await res.json()) as Job;
    expect(job.state).toBe('scheduled');
    expect(job.schedule?.nextRuns).toHaveLength(5);
    expect(job.schedule?.nextRuns[0]).toMatch(/T18:00:00\.000Z$/);
    await patch('alice', '/api/v1/jobs/greet', { suspend: true });
  });

  it('runs now with real papermill: parameters injected, progress per cell, log and outputs stored', async () => {
    const res = await post('alice', '/api/v1/jobs/greet/runs', { parameters: { n: 3 } });
    expect(res.status).toBe(201);
    const started = (await res.json()) as Run;
    expect(started).toMatchObject({ job: 'greet', trigger: 'manual' });
    const run = await finished('alice', started.id);
    expect(run.state).toBe('succeeded');
    expect(run.progress?.cells).toBeGreaterThanOrEqual(2);
    expect(run.progress?.cell).toBe(run.progress?.cells);
    expect(run.artifacts).toEqual(expect.arrayContaining(['output.ipynb', 'output.html', 'log.txt']));

    const output = await call('alice', `/api/v1/runs/${run.id}/output?format=ipynb`);
    expect(output.status).toBe(200);
    const executed = (await output.json()) as {
      cells: Array<{ metadata: { tags?: string[] }; source: string }>;
    };
    const injected = executed.cells.find((c) => c.metadata.tags?.includes('injected-parameters'));
    const source = Array.isArray(injected?.source) ? injected.source.join('') : (injected?.source ?? '');
    expect(source).toContain('greeting = "bonjour"');
    expect(source).toContain('n = 3');
    expect(JSON.stringify(executed)).toContain('RESULT: bonjourbonjourbonjour');

    const html = await call('alice', `/api/v1/runs/${run.id}/output?format=html`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('bonjourbonjourbonjour');

    const follow = await call('alice', `/api/v1/runs/${run.id}/log?follow=1`);
    expect(follow.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = await follow.text();
    expect(stream).toContain('event: end\ndata: {"state":"succeeded"}');
  });

  it('marks a run with a failing cell failed, with the error in its log, and alerts exactly once', async () => {
    const created = await post('alice', '/api/v1/jobs', {
      name: 'broken',
      notebook: { path: 'broken.ipynb', content: failingNotebook },
      environment: 'cpu-base',
      alerts: [{ on: ['failure'], webhook: receiver.url }],
    });
    expect(created.status).toBe(201);
    const started = (await (await post('alice', '/api/v1/jobs/broken/runs', {})).json()) as Run;
    const run = await finished('alice', started.id);
    expect(run.state).toBe('failed');
    expect(run.reason).toMatch(/ZeroDivisionError/);
    const log = await (await call('alice', `/api/v1/runs/${run.id}/log`)).text();
    expect(log).toContain('ZeroDivisionError');

    await waitUntil('one alert', async () => receiver.received.length >= 1, { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 1500)); // a second delivery would arrive by now
    const alerts = receiver.received.filter((r) => JSON.stringify(r.body).includes(run.id));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.body).toMatchObject({ text: expect.stringMatching(/broken/) });
    const job = (await (await call('alice', '/api/v1/jobs/broken')).json()) as Job;
    expect(job.alertDeliveries).toEqual([
      expect.objectContaining({
        run: run.id,
        event: 'failure',
        delivered: true,
        target: new URL(receiver.url).origin,
      }),
    ]);
  });

  it('starts exactly one downstream run per upstream success', async () => {
    const upstream = pythonNotebook({ cells: ['print("upstream")'] });
    expect(
      (
        await post('alice', '/api/v1/jobs', {
          name: 'etl',
          notebook: { path: 'etl.ipynb', content: upstream },
          environment: 'cpu-base',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await post('alice', '/api/v1/jobs', {
          name: 'report',
          notebook: { path: 'r.ipynb', content: upstream },
          environment: 'cpu-base',
          dependsOn: ['etl'],
        })
      ).status,
    ).toBe(201);
    const first = (await (await post('alice', '/api/v1/jobs/etl/runs', {})).json()) as Run;
    expect((await finished('alice', first.id)).state).toBe('succeeded');
    await waitUntil(
      'a report run',
      async () => {
        const runs = (await (await call('alice', '/api/v1/jobs/report/runs')).json()) as { items: Run[] };
        return runs.items.length > 0;
      },
      { timeoutMs: 30_000 },
    );
    const reportRuns = (await (await call('alice', '/api/v1/jobs/report/runs')).json()) as { items: Run[] };
    expect(reportRuns.items).toHaveLength(1);
    expect(reportRuns.items[0]).toMatchObject({ trigger: 'dependency', triggeredBy: first.id });
    await finished('alice', reportRuns.items[0]?.id ?? '');
  });

  it('keeps only historyLimit finished runs, deleting older runs with their artifacts', async () => {
    const content = pythonNotebook({ cells: ['print("kept?")'] });
    const created = await post('alice', '/api/v1/jobs', {
      name: 'short-memory',
      notebook: { path: 'short.ipynb', content },
      environment: 'cpu-base',
      historyLimit: 1,
    });
    expect(created.status).toBe(201);
    const first = (await (await post('alice', '/api/v1/jobs/short-memory/runs', {})).json()) as Run;
    expect((await finished('alice', first.id)).state).toBe('succeeded');
    const second = (await (await post('alice', '/api/v1/jobs/short-memory/runs', {})).json()) as Run;
    expect((await finished('alice', second.id)).state).toBe('succeeded');
    await waitUntil(
      'the older run pruned',
      async () => (await call('alice', `/api/v1/runs/${first.id}`)).status === 404,
      { timeoutMs: 20_000 },
    );
    const runs = (await (await call('alice', '/api/v1/jobs/short-memory/runs')).json()) as { items: Run[] };
    expect(runs.items.map((r) => r.id)).toEqual([second.id]);
    const keys = await artifactKeys('alice');
    expect(keys.some((k) => k.includes(`/runs/${first.id}/`))).toBe(false);
    expect(keys.some((k) => k.includes(`/runs/${second.id}/`))).toBe(true);
  });

  describe('a user sees and changes only their own jobs and runs', () => {
    it("answers 404 to bob for alice's job, runs and outputs, and changes nothing", async () => {
      const runs = (await (await call('alice', '/api/v1/jobs/greet/runs')).json()) as { items: Run[] };
      const runId = runs.items[0]?.id ?? '';
      expect(runId).not.toBe('');
      for (const [method, path] of [
        ['GET', '/api/v1/jobs/greet'],
        ['PATCH', '/api/v1/jobs/greet'],
        ['DELETE', '/api/v1/jobs/greet'],
        ['POST', '/api/v1/jobs/greet/runs'],
        ['GET', '/api/v1/jobs/greet/runs'],
        ['GET', `/api/v1/runs/${runId}`],
        ['DELETE', `/api/v1/runs/${runId}`],
        ['GET', `/api/v1/runs/${runId}/log`],
        ['GET', `/api/v1/runs/${runId}/output?format=ipynb`],
      ] as const) {
        const res = await call('bob', path, {
          method,
          ...(method === 'PATCH' || method === 'POST' ? { body: JSON.stringify({}) } : {}),
        });
        expect(`${method} ${path} -> ${res.status}`).toBe(`${method} ${path} -> 404`);
      }
      const bobs = (await (await call('bob', '/api/v1/jobs')).json()) as { items: Job[] };
      expect(bobs.items).toEqual([]);
      const forbidden = await call('bob', '/api/v1/jobs?user=alice');
      expect(forbidden.status).toBe(403);
      const still = (await (await call('alice', '/api/v1/jobs/greet')).json()) as Job;
      expect(still.name).toBe('greet');
    });

    it('lets bob own a job with the same name as alice', async () => {
      const res = await post('bob', '/api/v1/jobs', {
        name: 'greet',
        notebook: { path: 'g.ipynb', content: paramsNotebook },
        environment: 'cpu-base',
      });
      expect(res.status).toBe(201);
      expect(((await res.json()) as Job).owner).toBe('bob');
    });
  });

  it('updates the input snapshot from the notebook, changing the digest', async () => {
    const before = (await (await call('alice', '/api/v1/jobs/greet')).json()) as Job;
    const edited = pythonNotebook({ parameters: "greeting = 'hi'\nn = 1", cells: ['print(greeting)'] });
    const res = await patch('alice', '/api/v1/jobs/greet', {
      notebook: { path: 'work/greet.ipynb', content: edited },
    });
    expect(res.status).toBe(200);
    const after = (await res.json()) as Job;
    expect(after.notebook.digest).not.toBe(before.notebook.digest);
    expect(
      (await artifactKeys('alice')).filter((k) => k.includes('/inputs/') && k.includes('/greet-')),
    ).toHaveLength(1);
  });

  it('previews a schedule, and explains a bad one', async () => {
    const ok = await call(
      'alice',
      '/api/v1/schedule/preview?cron=*/15%209-17%20*%20*%201-5&timezone=Europe/Berlin',
    );
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { description: string; nextRuns: string[] };
    expect(body.description).toMatch(/Every 15 minutes, between 09:00 and 17:59, Monday through Friday/);
    expect(body.nextRuns).toHaveLength(5);
    const bad = await problem(await call('alice', '/api/v1/schedule/preview?cron=99%20*%20*%20*%20*'), 400);
    expect(bad.errors?.[0]?.field).toBe('query.cron');
  });

  it('documents the jobs, runs and runner routes in the OpenAPI document', async () => {
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, method] of [
      ['/api/v1/jobs', 'post'],
      ['/api/v1/jobs/{name}', 'patch'],
      ['/api/v1/jobs/{name}/runs', 'post'],
      ['/api/v1/runs/{id}', 'delete'],
      ['/api/v1/runs/{id}/log', 'get'],
      ['/api/v1/runs/{id}/output', 'get'],
      ['/api/v1/schedule/preview', 'get'],
      ['/api/v1/runner/runs/{id}/artifacts/{file}', 'put'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });

  it('deletes a job with its runs and artifacts', async () => {
    const res = await call('alice', '/api/v1/jobs/broken', { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await call('alice', '/api/v1/jobs/broken')).status).toBe(404);
    const left = await artifactKeys('alice');
    expect(left.length).toBeGreaterThan(0);
    expect(left.some((k) => k.includes('/broken-'))).toBe(false);
  });
});
