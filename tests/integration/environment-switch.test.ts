import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/child-process.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

// A local spawner that takes user_options as KubeSpawner would and records
// them (and the environment variable it derives) for the test to read.
const extraConfig = `
from jupyterhub.spawner import SimpleLocalProcessSpawner

class RecordingSpawner(SimpleLocalProcessSpawner):
    async def start(self):
        options = dict(self.user_options or {})
        self.environment["TURING_ENVIRONMENT"] = str(options.get("profile", ""))
        record = os.path.join(os.environ["TURING_TEST_RECORD_DIR"], f"{self.user.name}-{self.name or 'default'}.json")
        with open(record, "w") as f:
            json.dump({"userOptions": options, "turingEnvironment": self.environment["TURING_ENVIRONMENT"]}, f)
        return await super().start()

c.JupyterHub.spawner_class = RecordingSpawner
c.JupyterHub.allow_named_servers = True
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(os.environ["TURING_TEST_RECORD_DIR"], "home-{username}")
c.Spawner.cmd = ["jupyterhub-singleuser"]

c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
`;

interface ServerModel {
  ready: boolean;
  pending: string | null;
  started: string | null;
  user_options: Record<string, unknown> | null;
  state?: { pid?: number };
}

interface Problem {
  type: string;
  status: number;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}

describe('switching environments through hub-proxy (real JupyterHub, local spawner)', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const recordDir = mkdtempSync(join(tmpdir(), 'turing-switch-'));
  let hub: JupyterHub;
  let proxy: InProcessHubProxy;
  let base = '';
  let aliceToken = '';

  const asAlice = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `token ${aliceToken}`, 'Content-Type': 'application/json', ...init.headers },
    });
  const switchTo = (body: Record<string, unknown>) =>
    asAlice('/api/v1/me/server', { method: 'POST', body: JSON.stringify(body) });

  async function servers(): Promise<Record<string, ServerModel>> {
    const res = await hub.api('/users/alice');
    return ((await res.json()) as { servers: Record<string, ServerModel> }).servers;
  }

  async function waitReady(name: string): Promise<ServerModel> {
    await waitUntil(`server "${name}" ready`, async () => (await servers())[name]?.ready === true, {
      timeoutMs: 120_000,
    });
    const server = (await servers())[name];
    if (!server) throw new Error(`server "${name}" vanished`);
    return server;
  }

  function recorded(serverName: string): { userOptions: unknown; turingEnvironment: string } {
    return JSON.parse(readFileSync(join(recordDir, `alice-${serverName || 'default'}.json`), 'utf8')) as {
      userOptions: unknown;
      turingEnvironment: string;
    };
  }

  /** Reads the SSE stream to its end and returns the parsed `data:` events. */
  async function progressEvents(progressUrl: string): Promise<Array<Record<string, unknown>>> {
    const res = await fetch(`${hub.url}${progressUrl}`, {
      headers: { Authorization: `token ${aliceToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice(5)) as Record<string, unknown>);
  }

  async function expectProblem(res: Response, status: number): Promise<Problem> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await res.json()) as Problem;
  }

  beforeAll(async () => {
    const port = await freePort();
    hub = turingHub(
      { apiToken: serviceToken, url: `http://127.0.0.1:${port}` },
      { extraConfig, env: { TURING_TEST_RECORD_DIR: recordDir } },
    );
    await hub.start();
    proxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: { TURING_DEFAULT_MAX_GPUS: '2' },
    });
    base = `${hub.url}/services/turing`;
    await hub.createUser('alice');
    aliceToken = await hub.tokenFor('alice');
    const start = await hub.api('/users/alice/server', {
      method: 'POST',
      body: JSON.stringify({ user_options: { profile: 'cpu-base' } }),
    });
    expect([201, 202]).toContain(start.status);
    await waitReady('');
  });

  afterAll(async () => {
    await proxy?.stop();
    await hub?.stop();
    rmSync(recordDir, { recursive: true, force: true });
  });

  it('lists the catalog, no live GPUs (local runtime), the quota and the current environment', async () => {
    const res = await asAlice('/api/v1/environments');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      environments: Array<{ id: string; default: boolean }>;
      gpus: { available: boolean; types: Array<{ type: string; product: string | null; free: number }> };
      quota: { maxGpus: number; usedGpus: number; remainingGpus: number };
      current?: { environment: string; gpus: number };
    };
    expect(body.environments.map((e) => e.id)).toContain('tf-2.16-cuda12.3');
    expect(body.environments.find((e) => e.default)?.id).toBe('cpu-base');
    expect(body.gpus.available).toBe(false);
    expect(body.gpus.types).toContainEqual(
      expect.objectContaining({ type: 't4', product: 'Tesla-T4', free: 0 }),
    );
    expect(body.quota).toEqual({ maxGpus: 2, usedGpus: 0, remainingGpus: 2 });
    expect(body.current).toEqual({ environment: 'cpu-base', gpus: 0 });
  });

  it('refuses a request over the GPU quota and leaves the running server alone', async () => {
    const before = await waitReady('');
    const problem = await expectProblem(
      await switchTo({ environment: 'tf-2.16-cuda12.3', gpus: 4, gpuType: 'a100' }),
      403,
    );
    expect(problem.type).toBe('https://turing.dev/problems/gpu-quota-exceeded');
    expect(problem.detail).toMatch(/GPU quota exceeded: you have 0 of 2 GPUs/);
    const after = (await servers())[''];
    expect(after).toMatchObject({ ready: true, pending: null, started: before.started });
    expect(after?.state?.pid).toBe(before.state?.pid);
    expect(after?.user_options).toEqual({ profile: 'cpu-base' });
  });

  it('names the bad field of an environment the catalog does not offer', async () => {
    const problem = await expectProblem(await switchTo({ environment: 'tf-9.99', gpus: 1 }), 400);
    expect(problem.errors?.[0]?.field).toBe('body.environment');
    expect(problem.errors?.[0]?.message).toContain('unknown environment');
    const gpuProblem = await expectProblem(await switchTo({ environment: 'cpu-base', gpus: 1 }), 400);
    expect(gpuProblem.errors?.map((e) => e.field)).toEqual(['body.gpus']);
  });

  it('answers progress requests for servers you do not have, or bad names, with problem+json', async () => {
    await expectProblem(await asAlice('/api/v1/me/server/progress?serverName=nope'), 404);
    const bad = await expectProblem(await asAlice('/api/v1/me/server/progress?serverName=..%2Fbob'), 400);
    expect(bad.errors?.[0]?.field).toBe('query.serverName');
  });

  it('restarts the default server into a GPU environment and streams its progress to ready', async () => {
    const before = await waitReady('');
    const res = await switchTo({ environment: 'tf-2.16-cuda12.3', gpus: 1, gpuType: 't4' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { progressUrl: string; serverName: string; restarted: boolean };
    expect(body).toMatchObject({ serverName: '', restarted: true });
    expect(body.progressUrl).toBe('/services/turing/api/v1/me/server/progress?serverName=');
    const events = await progressEvents(body.progressUrl);
    expect(events.at(-1)).toMatchObject({ ready: true });

    const expected = { profile: 'tf-2.16-cuda12.3', gpus: '1', gpu_type: 't4' };
    expect(recorded('')).toEqual({ userOptions: expected, turingEnvironment: 'tf-2.16-cuda12.3' });
    const after = await waitReady('');
    expect(after.user_options).toEqual(expected);
    expect(after.state?.pid).not.toBe(before.state?.pid);
  });

  it('starts a named server into an environment while the default keeps running', async () => {
    const defaultBefore = await waitReady('');
    const res = await switchTo({
      environment: 'torch-2.7-cuda12.6',
      gpus: 1,
      gpuType: 'a100',
      serverName: 'exp1',
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { progressUrl: string; restarted: boolean };
    expect(body.restarted).toBe(false);
    expect((await progressEvents(body.progressUrl)).at(-1)).toMatchObject({ ready: true });
    expect(recorded('exp1').userOptions).toEqual({
      profile: 'torch-2.7-cuda12.6',
      gpus: '1',
      gpu_type: 'a100',
    });
    const all = await servers();
    expect(all['']).toMatchObject({ ready: true, started: defaultBefore.started });
    expect(all['']?.state?.pid).toBe(defaultBefore.state?.pid);

    const view = (await (await asAlice('/api/v1/environments')).json()) as {
      quota: { usedGpus: number; remainingGpus: number };
    };
    expect(view.quota).toMatchObject({ usedGpus: 2, remainingGpus: 0 });
  });

  it("counts the named server's GPUs: a second named server over the quota is refused", async () => {
    const problem = await expectProblem(
      await switchTo({ environment: 'tf-2.16-cuda12.3', gpus: 1, serverName: 'exp2' }),
      403,
    );
    expect(problem.detail).toMatch(/you have 2 of 2 GPUs/);
    expect(Object.keys(await servers()).sort()).toEqual(['', 'exp1']);
  });
});
