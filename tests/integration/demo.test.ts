import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logTail, startProcess, waitUntil } from '../support/child-process.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');

describe('npm run demo', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'turing-demo-test-'));
  const demo = startProcess('demo', resolve(repoRoot, 'node_modules/.bin/tsx'), ['scripts/demo.ts'], {
    cwd: repoRoot,
    logDir,
  });
  afterAll(async () => {
    await demo.stop();
  });

  const printed = (key: string): string | undefined =>
    readFileSync(demo.logFile, 'utf8')
      .split('\n')
      .find((line) => line.startsWith(`${key}=`))
      ?.slice(key.length + 1);

  it('prints URL and TOKEN lines that work with the API at once, and Ctrl-C stops everything', async () => {
    await waitUntil('demo URL and TOKEN', async () => printed('TOKEN') !== undefined, {
      timeoutMs: 120_000,
      process: demo,
    });
    const url = printed('URL') as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const me = await fetch(`${url}/services/turing/api/v1/me`, {
      headers: { Authorization: `token ${printed('TOKEN')}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { name: string }).name).toBe('demo');
    expect((await fetch(`${url}/hub/api/`)).ok).toBe(true);

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    await expect(fetch(`${url}/hub/api/`)).rejects.toThrow();
    expect(logTail(demo.logFile)).not.toContain('Error');
  });
});
