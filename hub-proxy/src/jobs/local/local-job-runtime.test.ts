import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../../artifacts/filesystem-store.js';
import { ownerMetadata } from '../../ownership/ownership.js';
import {
  NOTEBOOK_JOB_API_VERSION,
  NOTEBOOK_JOB_KIND,
  isTerminal,
  type NotebookJob,
  type NotebookJobSpec,
  type RunRecord,
} from '../model.js';
import { artifactKeys } from '../naming.js';
import { HmacRunTokens } from '../run-token.js';
import { createLogger } from '../../observability/logger.js';
import { toHttpError } from '../../http/error-mapping.js';
import { LocalJobRuntime } from './local-job-runtime.js';

/**
 * These tests run a stand-in runner (a Node script, run by this Node) so the
 * runtime's own behaviour is checked in milliseconds; the real papermill
 * runner is covered by tests/integration/local-runtime.test.ts.
 */
const FAKE_RUNNER = `
const fs = require('node:fs');
const marker = require('node:path').join(__dirname, process.env.TURING_RUN_ID + '.seen');
console.log('fake runner for ' + process.env.TURING_RUN_ID + ' token ' + (process.env.TURING_RUN_TOKEN ? 'set' : 'missing'));
if (process.env.TURING_API_TOKEN) console.log('LEAKED hub-proxy env');
if (!fs.existsSync(marker)) { fs.writeFileSync(marker, ''); console.error('turing-runner: run failed: first try'); process.exit(1); }
console.log('ok on a later try');
`;

function job(name: string, spec: Partial<NotebookJobSpec> = {}): NotebookJob {
  const stamp = ownerMetadata('alice');
  return {
    apiVersion: NOTEBOOK_JOB_API_VERSION,
    kind: NOTEBOOK_JOB_KIND,
    metadata: { name, labels: stamp.labels, annotations: stamp.annotations },
    spec: {
      jobName: name,
      notebook: {
        path: 'a.ipynb',
        inputKey: 'k',
        digest: 'd',
        sizeBytes: 1,
        updatedAt: '',
        kernel: 'python3',
      },
      environment: 'e',
      image: 'i',
      resources: { cpu: '1', memory: '1Gi', gpus: 0 },
      parameters: {},
      suspend: false,
      retries: 0,
      timeoutSeconds: 60,
      concurrency: 'allow',
      dependsOn: [],
      alerts: [],
      outputs: ['ipynb'],
      historyLimit: 5,
      ...spec,
    },
  };
}

describe('LocalJobRuntime', () => {
  let dir: string;
  let artifacts: FilesystemArtifactStore;
  let runtime: LocalJobRuntime;
  const finished: { run: RunRecord; job: NotebookJob | undefined }[] = [];

  function makeRuntime(
    overrides: { pythonPath?: string; runnerScript?: string; killGraceMs?: number } = {},
  ): LocalJobRuntime {
    const made = new LocalJobRuntime({
      stateDir: join(dir, 'state'),
      artifacts,
      tokens: new HmacRunTokens(randomBytes(32).toString('hex')),
      runnerApiUrl: () => 'http://127.0.0.1:9/services/turing/',
      pythonPath: overrides.pythonPath ?? process.execPath,
      runnerScript: overrides.runnerScript ?? join(dir, 'fake-runner.cjs'),
      logger: createLogger({ level: 'silent' }),
      ...(overrides.killGraceMs === undefined ? {} : { killGraceMs: overrides.killGraceMs }),
    });
    made.onRunFinished(async (run, owning) => {
      finished.push({ run, job: owning });
      throw new Error('listener errors are logged, not thrown');
    });
    return made;
  }

  async function waitForEnd(id: string): Promise<RunRecord> {
    for (let i = 0; i < 200; i++) {
      const run = await runtime.getRun(id);
      if (run && isTerminal(run.state)) return run;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`run ${id} did not end`);
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-runtime-'));
    await writeFile(join(dir, 'fake-runner.cjs'), FAKE_RUNNER);
    artifacts = new FilesystemArtifactStore({
      directory: join(dir, 'artifacts'),
      maxObjectBytes: 1 << 20,
      maxOwnerBytes: 1 << 24,
    });
    finished.length = 0;
    process.env.TURING_API_TOKEN = 'secret-of-hub-proxy';
    runtime = makeRuntime();
    await runtime.start();
  });

  afterEach(async () => {
    delete process.env.TURING_API_TOKEN;
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('retries a failed attempt, marks attempts in the log and stores it as log.txt', async () => {
    const created = await runtime.definitions.create(job('retry', { retries: 2 }));
    const run = await runtime.startRun(created, { trigger: 'manual' });
    const done = await waitForEnd(run.id);
    expect(done).toMatchObject({ state: 'succeeded', attempt: 2 });
    const key = artifactKeys.runArtifact('alice', 'retry', run.id, 'log.txt');
    const stored = await artifacts.get(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stored?.body ?? []) chunks.push(Buffer.from(chunk));
    const log = Buffer.concat(chunks).toString('utf8');
    expect(log).toContain('--- attempt 1 of 3 ---');
    expect(log).toContain('--- attempt 2 of 3 ---');
    expect(log).not.toContain('attempt 3 of 3');
    expect(log).toContain('token set');
    expect(log).not.toContain('LEAKED');
  });

  it('ends failed with the runner’s reason when no attempts are left, and calls listeners with the job', async () => {
    const created = await runtime.definitions.create(job('once'));
    const run = await runtime.startRun(created, { trigger: 'manual' });
    const done = await waitForEnd(run.id);
    expect(done).toMatchObject({ state: 'failed', reason: 'first try', attempt: 1 });
    expect(done.finishedAt).toBeDefined();
    await expect.poll(() => finished.length).toBe(1);
    expect(finished[0]?.run).toMatchObject({ id: run.id, state: 'failed' });
    expect(finished[0]?.job?.metadata.name).toBe('once');
  });

  it('kills a runner that ignores SIGTERM with SIGKILL after the grace period and ends it timed_out', async () => {
    await runtime.stop();
    const stubborn = join(dir, 'stubborn.cjs');
    await writeFile(
      stubborn,
      "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('pid ' + process.pid); setInterval(() => {}, 1000);",
    );
    runtime = makeRuntime({ runnerScript: stubborn, killGraceMs: 300 });
    await runtime.start();
    const created = await runtime.definitions.create(job('stubborn', { timeoutSeconds: 1, retries: 3 }));
    const run = await runtime.startRun(created, { trigger: 'manual' });
    const done = await waitForEnd(run.id);
    expect(done).toMatchObject({ state: 'timed_out', reason: 'Timed out after 1s', attempt: 1 });
    const log = await readFile(join(dir, 'state', 'logs', `${run.id}.log`), 'utf8');
    expect(log).toContain('ignoring SIGTERM');
    const pid = Number(/pid (\d+)/.exec(log)?.[1]);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('cancels a running run: cancelled, and no further attempt starts', async () => {
    await runtime.stop();
    const sleeper = join(dir, 'sleeper.cjs');
    await writeFile(sleeper, "console.log('pid ' + process.pid); setTimeout(() => {}, 60000);");
    runtime = makeRuntime({ runnerScript: sleeper });
    await runtime.start();
    const created = await runtime.definitions.create(job('sleeper', { retries: 2 }));
    const run = await runtime.startRun(created, { trigger: 'manual' });
    expect(run.state).toBe('running');
    const cancelled = await runtime.cancelRun(run.id);
    expect(cancelled).toMatchObject({ state: 'cancelled', attempt: 1 });
    await expect.poll(() => finished.map((f) => f.run.state)).toEqual(['cancelled']);
  });

  it('returns the existing run for a start with a run id it already has', async () => {
    const created = await runtime.definitions.create(job('dep'));
    const request = { trigger: 'dependency' as const, runId: 'dep-d12345678', triggeredBy: 'up-m1' };
    const [a, b] = await Promise.all([
      runtime.startRun(created, request),
      runtime.startRun(created, request),
    ]);
    expect(a.id).toBe('dep-d12345678');
    expect(b.id).toBe(a.id);
    expect(await runtime.listRuns('dep')).toHaveLength(1);
    expect((await runtime.startRun(created, request)).triggeredBy).toBe('up-m1');
  });

  it('fails a run whose runner cannot be started, saying why', async () => {
    await runtime.stop();
    runtime = makeRuntime({ pythonPath: join(dir, 'no-such-python') });
    await runtime.start();
    const created = await runtime.definitions.create(job('broken'));
    const run = await runtime.startRun(created, { trigger: 'manual' });
    const done = await waitForEnd(run.id);
    expect(done.state).toBe('failed');
    expect(done.reason).toMatch(/^Cannot start the runner: .*ENOENT/);
  });

  it('on start, fails runs a previous process left running, keeps their log and calls listeners', async () => {
    await runtime.stop();
    const orphan: RunRecord = {
      id: 'orphan-m00000001',
      jobObjectName: 'orphan',
      job: 'orphan',
      owner: 'alice',
      state: 'running',
      trigger: 'manual',
      attempt: 1,
      createdAt: new Date().toISOString(),
      startedAt: new Date().toISOString(),
      markers: [],
    };
    await mkdir(join(dir, 'state', 'logs'), { recursive: true });
    await mkdir(join(dir, 'state', 'runs'), { recursive: true });
    await writeFile(join(dir, 'state', 'runs', `${orphan.id}.json`), JSON.stringify(orphan));
    await writeFile(join(dir, 'state', 'logs', `${orphan.id}.log`), 'half a log\n');
    runtime = makeRuntime();
    await runtime.start();
    expect(await runtime.getRun(orphan.id)).toMatchObject({
      state: 'failed',
      reason: 'hub-proxy restarted during the run',
    });
    await expect.poll(() => finished.map((f) => f.run.id)).toEqual([orphan.id]);
    expect(
      (await artifacts.head(artifactKeys.runArtifact('alice', 'orphan', orphan.id, 'log.txt')))?.sizeBytes,
    ).toBe(11);
  });

  it('on start, hands finished runs whose lifecycle did not finish to the listeners again', async () => {
    await runtime.stop();
    const ended = (id: string, markers: RunRecord['markers']): RunRecord => ({
      id,
      jobObjectName: 'ended',
      job: 'ended',
      owner: 'alice',
      state: 'succeeded',
      trigger: 'manual',
      attempt: 1,
      createdAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      markers,
    });
    await mkdir(join(dir, 'state', 'runs'), { recursive: true });
    for (const run of [ended('ended-m00000001', ['dependents']), ended('ended-m00000002', ['recorded'])]) {
      await writeFile(join(dir, 'state', 'runs', `${run.id}.json`), JSON.stringify(run));
    }
    runtime = makeRuntime();
    await runtime.start();
    await runtime.stop(); // waits for the listener calls in flight
    expect(finished.map((f) => f.run.id)).toEqual(['ended-m00000001']);
    expect((await runtime.getRun('ended-m00000001'))?.state).toBe('succeeded');
  });

  it('records progress and claims markers once; deleteRun removes the record and its log', async () => {
    const created = await runtime.definitions.create(job('bits'));
    const run = await runtime.startRun(created, { trigger: 'manual' });
    await waitForEnd(run.id);
    expect(await runtime.claimMarker(run.id, 'alerts')).toBe(true);
    expect(await runtime.claimMarker(run.id, 'alerts')).toBe(false);
    // The HTTP status each rejection is answered with (undefined if it did not reject).
    const statusOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (err: unknown) => toHttpError(err).status,
      );
    expect(await statusOf(runtime.claimMarker('missing-run', 'alerts'))).toBe(404);
    expect(await statusOf(runtime.cancelRun('missing-run'))).toBe(404);
    expect(runtime.followLog('missing-run', new AbortController().signal)).toBeUndefined();

    const logPath = join(dir, 'state', 'logs', `${run.id}.log`);
    expect((await stat(logPath)).size).toBeGreaterThan(0);
    await runtime.deleteRun(run.id);
    expect(await runtime.getRun(run.id)).toBeUndefined();
    await expect(readFile(logPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('deleting a definition unschedules it and removes its runs', async () => {
    const created = await runtime.definitions.create(
      job('sched', { schedule: { cron: '0 2 * * *', timezone: 'UTC' } }),
    );
    expect(runtime.nextScheduledRun('sched')).toBeInstanceOf(Date);
    const run = await runtime.startRun(created, { trigger: 'manual' });
    await waitForEnd(run.id);
    await runtime.definitions.delete('sched');
    expect(runtime.nextScheduledRun('sched')).toBeUndefined();
    expect(await runtime.listRuns('sched')).toEqual([]);
  });

  it('pausing a job (suspend) unschedules it and resuming schedules it again', async () => {
    const created = await runtime.definitions.create(
      job('pause', { schedule: { cron: '0 2 * * *', timezone: 'UTC' } }),
    );
    const paused = await runtime.definitions.replace({
      ...created,
      spec: { ...created.spec, suspend: true },
    });
    expect(runtime.nextScheduledRun('pause')).toBeUndefined();
    await runtime.definitions.replace({ ...paused, spec: { ...paused.spec, suspend: false } });
    expect(runtime.nextScheduledRun('pause')?.toISOString()).toMatch(/T02:00:00\.000Z$/);
  });
});
