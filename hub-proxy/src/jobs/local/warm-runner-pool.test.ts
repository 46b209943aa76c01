import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../../artifacts/filesystem-store.js';
import { createLogger } from '../../observability/logger.js';
import { HmacRunTokens } from '../run-token.js';
import { notebookJobFixture } from '../testing/notebook-job-fixture.js';
import { LocalJobRuntime } from './local-job-runtime.js';
import { ProcessRunner } from './process-runner.js';
import { WarmRunnerPool, type WarmRunnerPoolOptions } from './warm-runner-pool.js';

/**
 * Speaks runner/warm_start.py's protocol, in Node so these tests take
 * milliseconds: `ready` with a stamp of FAKE_STAMP (after FAKE_DELAY_MS),
 * then on the hand-over line `started`, and it writes its pid and the
 * handed-over environment to the run's log and exits with FAKE_EXIT.
 * FAKE_MODE=die exits before ready; without FAKE_STAMP (a cold start) it
 * logs COLD and exits 0.
 */
const FAKE_WARM_RUNNER = `
const fs = require('node:fs');
if (process.env.FAKE_MODE === 'die') { console.error('broken venv'); process.exit(3); }
const stampPath = process.env.FAKE_STAMP;
// Started cold (no warm-up environment): do the run at once.
if (!stampPath) { console.log('COLD ' + process.env.TURING_RUN_ID); process.exit(0); }
const stamp = { [stampPath]: fs.statSync(stampPath, { bigint: true }).mtimeNs.toString() };
setTimeout(() => process.stdout.write(JSON.stringify({ event: 'ready', stamp }) + '\\n'), Number(process.env.FAKE_DELAY_MS ?? 0));
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  if (!input.trim()) process.exit(0);
  const handOver = JSON.parse(input);
  process.stdout.write(JSON.stringify({ event: 'started' }) + '\\n');
  fs.appendFileSync(handOver.log, 'WARM ' + JSON.stringify({ pid: process.pid, cwd: handOver.cwd, env: handOver.env }) + '\\n');
  // Node cannot point its own stdout at the log as the Python runner does: it writes there.
  if (process.env.FAKE_EXIT === '1') fs.appendFileSync(handOver.log, 'turing-runner: run failed: ZeroDivisionError: division by zero\\n');
  process.exit(Number(process.env.FAKE_EXIT ?? 0));
});
`;

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alive(pid: number | undefined): boolean {
  try {
    process.kill(pid ?? -1, 0);
    return true;
  } catch {
    return false;
  }
}

describe('WarmRunnerPool', () => {
  let dir: string;
  let script: string;
  let stampFile: string;
  const pools: WarmRunnerPool[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warm-pool-'));
    script = join(dir, 'warm.cjs');
    stampFile = join(dir, 'stamped.py');
    await writeFile(script, FAKE_WARM_RUNNER);
    await writeFile(stampFile, '# a runner module\n');
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  function pool(env: Record<string, string> = {}, options: Partial<WarmRunnerPoolOptions> = {}) {
    const made = new WarmRunnerPool({
      size: 1,
      pythonPath: process.execPath,
      runnerScript: script,
      cwd: dir,
      environment: () => ({ PATH: process.env.PATH, FAKE_STAMP: stampFile, ...env }),
      logger: createLogger({ level: 'silent' }),
      ...options,
    });
    pools.push(made);
    made.start();
    return made;
  }

  it('starts no process and hands out nothing when its size is 0', async () => {
    const off = pool({}, { size: 0 });
    expect(off.size).toBe(0);
    expect(await off.take()).toBeUndefined();
    expect(off.size).toBe(0);
  });

  it('hands each warm process out once and starts its replacement refillDelayMs later', async () => {
    const warm = pool({}, { refillDelayMs: 300 });
    await until('a ready runner', () => warm.ready === 1);
    warm.start(); // again: no second runner
    expect(warm.size).toBe(1);
    const first = await warm.take();
    const takenAt = Date.now();
    expect(first?.state).toBe('taken');
    // The replacement waits, so that its imports do not slow the run's own start.
    expect(warm.size).toBe(0);
    await until('the replacement', () => warm.ready === 1);
    expect(Date.now() - takenAt).toBeGreaterThanOrEqual(250);
    const second = await warm.take();
    expect(second?.pid).toBeDefined();
    expect(second?.pid).not.toBe(first?.pid);
    // A taken runner cannot be taken again.
    expect(() => first?.take()).toThrow(/taken/);
    first?.kill();
    second?.kill();
  });

  it('returns nothing while the runner is still importing, so the run starts cold instead of waiting', async () => {
    const slow = pool({ FAKE_DELAY_MS: '5000' });
    expect(slow.size).toBe(1);
    const started = Date.now();
    expect(await slow.take()).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    // The one starting stays for the next run.
    expect(slow.size).toBe(1);
  });

  it('replaces a ready runner that died instead of handing it out', async () => {
    const warm = pool();
    await until('a ready runner', () => warm.ready === 1);
    // The idle, ready one dies behind the pool's back (OOM killer, a stray kill).
    const idlePid = await findIdlePid(warm);
    process.kill(idlePid, 'SIGKILL');
    await until('a new ready runner', async () => warm.ready === 1 && (await findIdlePid(warm)) !== idlePid);
    const taken = await warm.take();
    expect(taken?.pid).not.toBe(idlePid);
    expect(taken?.state).toBe('taken');
    taken?.kill();
  });

  it('kills a runner whose files changed since it started and does not hand it out', async () => {
    const warm = pool();
    await until('a ready runner', () => warm.ready === 1);
    const stalePid = await findIdlePid(warm);
    // The runner's module is edited (or the venv's packages change).
    const later = new Date(Date.now() + 5_000);
    await utimes(stampFile, later, later);
    expect(await warm.take()).toBeUndefined();
    await until('the stale runner to exit', () => !alive(stalePid));
    await until('a fresh runner', () => warm.ready === 1);
    const fresh = await warm.take();
    expect(fresh?.pid).not.toBe(stalePid);
    fresh?.kill();
  });

  it('replaces a runner older than maxAgeMs while it waits', async () => {
    const warm = pool({}, { maxAgeMs: 400 });
    await until('a ready runner', () => warm.ready === 1);
    const oldPid = await findIdlePid(warm);
    await until('the old runner to be replaced', () => !alive(oldPid));
    await until('a fresh runner', async () => warm.ready === 1 && (await findIdlePid(warm)) !== oldPid);
  });

  it('backs off instead of restarting in a loop a runner that dies before it is ready', async () => {
    const spawned: number[] = [];
    const broken = new WarmRunnerPool({
      size: 1,
      pythonPath: process.execPath,
      runnerScript: script,
      cwd: dir,
      environment: () => {
        spawned.push(Date.now());
        return { PATH: process.env.PATH, FAKE_STAMP: stampFile, FAKE_MODE: 'die' };
      },
      logger: createLogger({ level: 'silent' }),
      retryDelayMs: 1_000,
    });
    pools.push(broken);
    broken.start();
    await new Promise((r) => setTimeout(r, 700));
    expect(spawned).toHaveLength(1);
    expect(await broken.take()).toBeUndefined();
    await until('the retry', () => spawned.length === 2, 5_000);
  });

  it('kills the idle runners on stop', async () => {
    const warm = pool();
    await until('a ready runner', () => warm.ready === 1);
    const pid = await findIdlePid(warm);
    await warm.stop();
    expect(alive(pid)).toBe(false);
    expect(warm.size).toBe(0);
  });

  /** The pid of the pool's one idle runner (a look inside: taking it would hand it out). */
  async function findIdlePid(warm: WarmRunnerPool): Promise<number> {
    const idle = (warm as unknown as { idle: { pid: number }[] }).idle[0];
    if (!idle) throw new Error('no idle runner');
    return Promise.resolve(idle.pid);
  }
});

describe('ProcessRunner with a warm pool', () => {
  let dir: string;
  let pool: WarmRunnerPool;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warm-process-runner-'));
  });
  afterEach(async () => {
    await pool.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function runner(exitCode = 0): ProcessRunner {
    const script = join(dir, 'warm.cjs');
    const stamp = join(dir, 'stamped.py');
    return new ProcessRunner({
      pythonPath: process.execPath,
      runnerScript: script,
      logsDir: join(dir, 'logs'),
      runnerApiUrl: () => 'http://127.0.0.1:8000/services/turing/',
      tokens: { issue: () => 'the-run-token', verify: () => undefined },
      logger: createLogger({ level: 'silent' }),
      warmPool: (pool = new WarmRunnerPool({
        size: 1,
        pythonPath: process.execPath,
        runnerScript: script,
        cwd: tmpdir(),
        environment: () => ({
          PATH: process.env.PATH,
          FAKE_STAMP: stamp,
          FAKE_EXIT: String(exitCode),
        }),
        logger: createLogger({ level: 'silent' }),
      })),
    });
  }

  async function setUp(exitCode = 0): Promise<ProcessRunner> {
    await writeFile(join(dir, 'warm.cjs'), FAKE_WARM_RUNNER);
    await writeFile(join(dir, 'stamped.py'), '');
    const made = runner(exitCode);
    pool.start();
    await until('a ready runner', () => pool.ready === 1);
    return made;
  }

  const request = (runId: string) => ({
    runId,
    tokenSubject: { job: 'job-abc123', uid: 'uid-1', owner: 'alice' },
    retries: 0,
    timeoutSeconds: 60,
    onAttempt: () => Promise.resolve(),
  });

  it("hands the run's token, id and API URL to the warm process, with its log and hub-proxy's temp dir", async () => {
    const processes = await setUp();
    const outcome = await processes.start(request('run-1')).done;
    expect(outcome.state).toBe('succeeded');
    const log = await readFile(processes.logPath('run-1'), 'utf8');
    const handed = JSON.parse(log.slice(log.indexOf('WARM ') + 5).split('\n')[0] ?? '{}') as {
      cwd: string;
      env: Record<string, string>;
    };
    expect(handed.cwd).toBe(tmpdir());
    expect(handed.env).toMatchObject({
      TURING_RUN_TOKEN: 'the-run-token',
      TURING_RUN_ID: 'run-1',
      TURING_RUNNER_API: 'http://127.0.0.1:8000/services/turing/',
      PYTHONUNBUFFERED: '1',
    });
  });

  it('gives two runs started together two different processes, one warm and one cold', async () => {
    const processes = await setUp();
    const [a, b] = [processes.start(request('run-a')), processes.start(request('run-b'))];
    expect((await a.done).state).toBe('succeeded');
    expect((await b.done).state).toBe('succeeded');
    const logA = await readFile(processes.logPath('run-a'), 'utf8');
    const logB = await readFile(processes.logPath('run-b'), 'utf8');
    // Pool of 1: one was handed the ready warm process, the other started its own.
    expect([logA, logB].filter((l) => l.includes('WARM '))).toHaveLength(1);
    expect([logA, logB].filter((l) => l.includes('COLD '))).toHaveLength(1);
  });

  it("fails the run with the warm process's exit code and the reason it logged", async () => {
    const processes = await setUp(1);
    const outcome = await processes.start(request('run-f')).done;
    expect(outcome).toEqual({ state: 'failed', reason: 'ZeroDivisionError: division by zero' });
  });
});

describe('LocalJobRuntime warm runners', () => {
  it('starts no warm runner until it has a job, and one as soon as a job is created', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warm-runtime-'));
    // Never ready: it only has to exist; it exits when its stdin closes.
    const script = join(dir, 'idle.cjs');
    await writeFile(script, "process.stdin.resume(); process.stdin.on('end', () => process.exit(0));");
    const runtime = new LocalJobRuntime({
      stateDir: join(dir, 'state'),
      artifacts: new FilesystemArtifactStore({
        directory: join(dir, 'artifacts'),
        maxObjectBytes: 1 << 20,
        maxOwnerBytes: 1 << 24,
      }),
      tokens: new HmacRunTokens(randomBytes(32).toString('hex')),
      runnerApiUrl: () => 'http://127.0.0.1:9/services/turing/',
      pythonPath: process.execPath,
      runnerScript: script,
      warmRunners: 1,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      await runtime.start();
      expect(runtime.warmRunners()).toEqual({ ready: 0, starting: 0 });
      await runtime.definitions.create(notebookJobFixture('alice', 'first'));
      expect(runtime.warmRunners()).toEqual({ ready: 0, starting: 1 });
    } finally {
      await runtime.stop();
      await rm(dir, { recursive: true, force: true });
    }
    expect(runtime.warmRunners()).toEqual({ ready: 0, starting: 0 });
  });
});
