import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchPlan } from './serving-launch.js';
import { PID_FILE, ServingProcess } from './serving-process.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'serving-process-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A plan that runs `script` with node instead of a Python server. */
function plan(script: string): LaunchPlan {
  return {
    kind: 'mlserver',
    label: 'MLServer',
    command: process.execPath,
    args: ['-e', script],
    cwd: dir,
    env: { PATH: process.env.PATH ?? '' },
    port: 1234,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ServingProcess', () => {
  it('appends its output to the log after a header, from the offset where it started', async () => {
    const log = join(dir, 'model.log');
    await writeFile(log, 'an earlier process\n');
    const started = await ServingProcess.start(plan("console.log('hello from the server')"), log);
    expect(await started.exited).toEqual({ code: 0, signal: null });
    const text = await readFile(log, 'utf8');
    expect(started.logOffset).toBe('an earlier process\n'.length);
    expect(text.slice(started.logOffset)).toMatch(
      /^--- \S+ starting MLServer on 127\.0\.0\.1:1234 ---\nhello from the server\n$/,
    );
    expect(Number(await readFile(join(dir, PID_FILE), 'utf8'))).toBe(started.pid);
  });

  it('stops the process and whatever it started in its group', async () => {
    // The server starts a helper of its own and prints its pid; both ignore nothing.
    const script = [
      "const { spawn } = require('node:child_process');",
      "const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
      "console.log('helper ' + helper.pid);",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const log = join(dir, 'model.log');
    const started = await ServingProcess.start(plan(script), log);
    let helper = 0;
    for (let i = 0; i < 100 && !helper; i++) {
      helper = Number(/helper (\d+)/.exec(await readFile(log, 'utf8'))?.[1] ?? 0);
      if (!helper) await new Promise((r) => setTimeout(r, 50));
    }
    expect(alive(helper)).toBe(true);
    expect(started.running).toBe(true);
    await started.stop(2_000);
    expect(started.running).toBe(false);
    expect(started.stopRequested).toBe(true);
    for (let i = 0; i < 40 && alive(helper); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(helper)).toBe(false);
  });

  it('reports a command that cannot start', async () => {
    const started = await ServingProcess.start(
      { ...plan(''), command: join(dir, 'no-such-python') },
      join(dir, 'model.log'),
    );
    const exit = await started.exited;
    expect(exit.spawnError?.message).toContain('ENOENT');
    expect(started.running).toBe(false);
  });
});
