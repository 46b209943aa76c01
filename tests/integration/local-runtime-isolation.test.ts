import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type RunningDemoStack } from '../../scripts/demo-stack.js';
import { waitUntil } from '../support/child-process.js';
import { pythonNotebook } from '../support/notebooks.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const LAUNCHER = join(repoRoot, 'hub-proxy/bin/run-with-token-fd');
const UNSAFE = 'TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER';

/**
 * A cell that prints its own environment, then walks up its ancestors (the
 * runner, hub-proxy, JupyterHub, ...) and prints, for each, its command line,
 * how many bytes of /proc/<pid>/environ it read, and those bytes.
 */
const PROBE = String.raw`
import json, os
print("OWN_ENV " + json.dumps(dict(os.environ)))
pid = os.getppid()
while pid > 1:
    report = {"pid": pid}
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            report["cmd"] = f.read().replace(b"\0", b" ").decode(errors="replace")
        with open(f"/proc/{pid}/environ", "rb") as f:
            environ = f.read()
        report["environBytes"] = len(environ)
        report["environ"] = environ.decode(errors="replace")
    except OSError as err:
        report["error"] = str(err)
    print("ANCESTOR " + json.dumps(report))
    with open(f"/proc/{pid}/status") as f:
        pid = int(next(line for line in f if line.startswith("PPid:")).split()[1])
`;

interface Ancestor {
  pid: number;
  cmd?: string;
  environBytes?: number;
  environ?: string;
  error?: string;
}

/** The demo stack's hub-proxy (a managed hub service) as one user's API client. */
function apiOf(stack: RunningDemoStack, token: string) {
  return (path: string, body?: unknown) =>
    fetch(`${stack.url}/services/turing/api/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}

const jobBody = (name: string, cells: string[]) => ({
  name,
  notebook: { path: `${name}.ipynb`, content: pythonNotebook({ cells }) },
  environment: 'cpu-base',
});

describe('the local runtime keeps hub-proxy’s secrets from runs and is one person’s (demo stack)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-local-isolation-'));
  let stack: RunningDemoStack;
  let ada: ReturnType<typeof apiOf>;
  let bob: ReturnType<typeof apiOf>;

  beforeAll(async () => {
    stack = await startDemoStack({ stateDir });
    for (const user of ['ada', 'bob']) await stack.hub.createUser(user);
    ada = apiOf(stack, await stack.hub.tokenFor('ada'));
    bob = apiOf(stack, await stack.hub.tokenFor('bob'));
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('runs a cell that reads its own and every ancestor’s environ, up to and past hub-proxy, and finds no hub token', async () => {
    expect((await ada('/jobs', jobBody('probe', [PROBE]))).status).toBe(201);
    const started = await ada('/jobs/probe/runs', {});
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    let state = '';
    await waitUntil(
      `run ${id} finished`,
      async () => {
        state = ((await (await ada(`/runs/${id}`)).json()) as { state: string }).state;
        return !['queued', 'running'].includes(state);
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const log = await (await ada(`/runs/${id}/log`)).text();
    expect(state, log).toBe('succeeded');
    const output = await (await ada(`/runs/${id}/output?format=ipynb`)).text();
    const printed = (
      JSON.parse(output) as { cells: Array<{ outputs?: Array<{ text?: string | string[] }> }> }
    ).cells
      .flatMap((c) => c.outputs ?? [])
      .map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? '')))
      .join('');
    const ancestors = printed
      .split('\n')
      .filter((line) => line.startsWith('ANCESTOR '))
      .map((line) => JSON.parse(line.slice('ANCESTOR '.length)) as Ancestor);
    const ownEnv = JSON.parse(
      printed
        .split('\n')
        .find((line) => line.startsWith('OWN_ENV '))
        ?.slice('OWN_ENV '.length) ?? 'null',
    ) as Record<string, string>;

    // Not vacuous: the cell read the runner's and hub-proxy's real environments.
    expect(ancestors[0]?.cmd).toContain('turing_runner.py');
    expect(ancestors[0]?.environBytes).toBeGreaterThan(0);
    const hubProxy = ancestors.find((a) => a.cmd?.includes('hub-proxy/src/main.ts'));
    expect(hubProxy, JSON.stringify(ancestors.map((a) => a.cmd))).toBeDefined();
    expect(hubProxy?.environBytes).toBeGreaterThan(0);
    expect(hubProxy?.environ).toContain('JUPYTERHUB_API_URL=');

    const runTokenSeed = createHmac('sha256', stack.serviceToken).update('turing run tokens').digest('hex');
    for (const text of [printed, output, log]) {
      expect(text).not.toContain(stack.serviceToken);
      expect(text).not.toContain(runTokenSeed);
    }
    for (const ancestor of ancestors) {
      expect(ancestor.environ ?? '').not.toMatch(
        /(^|\0)(JUPYTERHUB_API_TOKEN|JPY_API_TOKEN|TURING_API_TOKEN)=/,
      );
    }
    expect(Object.keys(ownEnv)).toContain('PATH');
    expect(
      Object.keys(ownEnv).filter((name) =>
        /^(JUPYTERHUB_API_TOKEN|JPY_API_TOKEN|TURING_API_TOKEN|TURING_CONFIG)$/.test(name),
      ),
    ).toEqual([]);
    // hub-proxy got its token through the launcher's pipe instead.
    expect(hubProxy?.environ).toContain('TURING_API_TOKEN_FD=3');
  });

  it('answers a second hub user 403 problem+json naming the setting, and the first user keeps working', async () => {
    for (const res of [await bob('/jobs'), await bob('/jobs', jobBody('mine', ['1 + 1']))]) {
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as { type: string; detail: string };
      expect(problem.type).toMatch(/local-runtime-single-user$/);
      expect(problem.detail).toContain(UNSAFE);
    }
    // Outside jobs, bob is still a Turing user.
    expect((await bob('/me')).status).toBe(200);
    const jobs = await ada('/jobs');
    expect(jobs.status).toBe(200);
    expect(((await jobs.json()) as { items: Array<{ name: string }> }).items.map((j) => j.name)).toEqual([
      'probe',
    ]);
  });

  it('hands hub-proxy the token on descriptor 3, with none of the token variables left in its environ', () => {
    const seen = execFileSync(
      LAUNCHER,
      [
        process.execPath,
        '-e',
        `const fs = require('fs');
         console.log(JSON.stringify({
           environ: fs.readFileSync('/proc/self/environ', 'utf8'),
           fd: process.env.TURING_API_TOKEN_FD,
           token: fs.readFileSync(3, 'utf8'),
         }));`,
      ],
      {
        env: { PATH: process.env.PATH, JUPYTERHUB_API_TOKEN: 'hub-secret-1', JPY_API_TOKEN: 'hub-secret-1' },
      },
    ).toString();
    const { environ, fd, token } = JSON.parse(seen) as { environ: string; fd: string; token: string };
    expect(fd).toBe('3');
    expect(token.trim()).toBe('hub-secret-1');
    expect(environ).not.toContain('hub-secret-1');
  });
});

describe(`the local runtime with ${UNSAFE}=1 (demo stack)`, () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-local-unsafe-'));
  let stack: RunningDemoStack;

  beforeAll(async () => {
    stack = await startDemoStack({ stateDir, serviceEnvironment: { [UNSAFE]: '1' } });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('lets every hub user use jobs', async () => {
    for (const user of ['ada', 'bob']) {
      await stack.hub.createUser(user);
      const api = apiOf(stack, await stack.hub.tokenFor(user));
      expect((await api('/jobs', jobBody('mine', ['1 + 1']))).status).toBe(201);
    }
  });
});
