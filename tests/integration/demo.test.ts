import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logTail, startProcess, waitUntil } from '../support/child-process.js';

const repoRoot = resolve(import.meta.dirname, '../..');

/** Pids of the processes whose working directory is `dir` (Linux /proc). */
function processesIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === dir;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('npm run demo', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'turing-demo-test-'));
  // A fresh state directory: the developer's .turing/demo stays untouched.
  const stateDir = mkdtempSync(join(tmpdir(), 'turing-demo-state-'));
  const demo = startProcess(
    'demo',
    resolve(repoRoot, 'node_modules/.bin/tsx'),
    ['scripts/demo.ts', `--state-dir=${stateDir}`],
    // The demo's console prints a token for the developer by design (its TOKEN= line), so it is
    // no log for the secrets scan; the hub and hub-proxy it starts are scanned as processes of their own.
    { cwd: repoRoot, logDir, secretsScan: false },
  );
  afterAll(async () => {
    await demo.stop();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
  });

  const output = () => readFileSync(demo.logFile, 'utf8');
  const printed = (key: string): string | undefined =>
    output()
      .split('\n')
      .find((line) => line.startsWith(`${key}=`))
      ?.slice(key.length + 1);

  it('prints its start time, how to log in, and URL and TOKEN lines that work with the API at once', async () => {
    await waitUntil('demo URL and TOKEN', async () => printed('TOKEN') !== undefined, {
      timeoutMs: 120_000,
      process: demo,
    });
    const url = printed('URL') as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output()).toMatch(/\[demo\] started in \d+\.\d s/);
    expect(output()).toContain(`open ${url}/hub/login and log in with any user name and any password`);
    const me = await fetch(`${url}/services/turing/api/v1/me`, {
      headers: { Authorization: `token ${printed('TOKEN')}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { name: string }).name).toBe('demo');
    expect((await fetch(`${url}/hub/api/`)).ok).toBe(true);
  });

  it('makes demo a Turing admin with the admin pages, and any other name a plain user', async () => {
    const url = printed('URL') as string;
    const asDemo = { Authorization: `token ${printed('TOKEN')}` };
    expect(output()).toContain(`("demo" is a Turing admin: ${url}/services/turing/admin/)`);
    const page = await fetch(`${url}/services/turing/admin/`, { headers: asDemo });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toMatch(/<script type="module"[^>]* src="\.\/assets\/[^"]+\.js"/);
    expect((await fetch(`${url}/services/turing/api/v1/admin/quotas`, { headers: asDemo })).status).toBe(200);

    // demo is a hub admin too, so it may make another user and a token for them.
    await fetch(`${url}/hub/api/users/carol`, { method: 'POST', headers: asDemo });
    const minted = await fetch(`${url}/hub/api/users/carol/tokens`, {
      method: 'POST',
      headers: { ...asDemo, 'Content-Type': 'application/json' },
      body: JSON.stringify({ note: 'demo test' }),
    });
    expect(minted.status).toBe(201);
    const asCarol = { Authorization: `token ${((await minted.json()) as { token: string }).token}` };
    expect((await fetch(`${url}/services/turing/api/v1/me`, { headers: asCarol })).status).toBe(200);
    expect((await fetch(`${url}/services/turing/api/v1/admin/quotas`, { headers: asCarol })).status).toBe(
      403,
    );
    expect((await fetch(`${url}/services/turing/admin/`, { headers: asCarol })).status).toBe(403);
  });

  it('seeds a new home with the example notebook, whose parameters cell the Schedule dialog reads', async () => {
    const url = printed('URL') as string;
    const headers = { Authorization: `token ${printed('TOKEN')}` };
    const spawn = await fetch(`${url}/hub/api/users/demo/server`, { method: 'POST', headers });
    expect([201, 202]).toContain(spawn.status);
    await waitUntil(
      'the demo user server',
      async () => (await fetch(`${url}/user/demo/api/status`, { headers })).ok,
      { timeoutMs: 90_000, process: demo },
    );
    const res = await fetch(`${url}/user/demo/api/contents/ctr-report.ipynb`, { headers });
    expect(res.status).toBe(200);
    const { content } = (await res.json()) as {
      content: {
        metadata: { kernelspec: { name: string } };
        cells: Array<{ metadata: { tags?: string[] }; source: string }>;
      };
    };
    expect(content.metadata.kernelspec.name).toBe('python3');
    const parameters = content.cells.find((c) => c.metadata.tags?.includes('parameters'));
    expect(parameters?.source).toContain('region = "emea"');
  });

  it('stops every process it started on Ctrl-C, the user server too', async () => {
    const url = printed('URL') as string;
    const home = join(stateDir, 'home', 'demo');
    expect(processesIn(home).length).toBeGreaterThan(0);

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    await expect(fetch(`${url}/hub/api/`)).rejects.toThrow();
    expect(processesIn(home)).toEqual([]);
    expect(logTail(demo.logFile)).not.toContain('Error');
  });
});
