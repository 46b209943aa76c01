import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../../hub-proxy/src/artifacts/filesystem-store.js';
import { loadConfig } from '../../hub-proxy/src/config/load.js';
import {
  isTerminal,
  type NotebookJob,
  type NotebookJobSpec,
  type RunRecord,
} from '../../hub-proxy/src/jobs/model.js';
import { artifactKeys, jobObjectName, type RunArtifactName } from '../../hub-proxy/src/jobs/naming.js';
import { HmacRunTokens, runTokenSubject } from '../../hub-proxy/src/jobs/run-token.js';
import { createLogger } from '../../hub-proxy/src/observability/logger.js';
import { runnerRoutes } from '../../hub-proxy/src/jobs/runner-routes.js';
import { LocalJobRuntime } from '../../hub-proxy/src/jobs/local/index.js';
import { startHubProxy, type HubProxyHandle } from '../../hub-proxy/src/server.js';
import { RunnerApiService } from '../../hub-proxy/src/jobs/runner-api.js';
import { localJobFor } from '../support/local-job.js';
import { eventually } from '../support/eventually.js';
import { pythonNotebook, type TestNotebook } from '../support/notebooks.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = join(REPO, '.venv', 'bin', 'python');
const OWNER = 'alice';
const RUN_TIMEOUT_MS = 90_000;

let dir: string;
let artifacts: FilesystemArtifactStore;
let tokens: HmacRunTokens;
let runtime: LocalJobRuntime;
let proxy: HubProxyHandle;
let runnerBase: string;

/** Stores the snapshot and creates the NotebookJob, as the jobs service would. */
async function createJob(
  name: string,
  content: TestNotebook,
  spec: Partial<NotebookJobSpec> = {},
): Promise<NotebookJob> {
  return runtime.definitions.create(
    await localJobFor(artifacts, OWNER, name, content, { timeoutSeconds: 120, historyLimit: 10, ...spec }),
  );
}

async function waitForEnd(runId: string, timeoutMs = RUN_TIMEOUT_MS): Promise<RunRecord> {
  return eventually(
    `run ${runId} to end`,
    timeoutMs,
    async () => {
      const run = await runtime.getRun(runId);
      return run && isTerminal(run.state) ? run : undefined;
    },
    100,
  );
}

async function artifactText(run: RunRecord, file: RunArtifactName): Promise<string | undefined> {
  const stored = await artifacts.get(artifactKeys.runArtifact(run.owner, run.jobObjectName, run.id, file));
  if (!stored) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stored.body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Pids of live processes started for `runId` (the runner and its kernel carry TURING_RUN_ID). */
async function processesOfRun(runId: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`, 'utf8');
      if (environ.split('\0').includes(`TURING_RUN_ID=${runId}`)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

async function runnerFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, runnerBase), init);
}

const SLEEP_NOTEBOOK = pythonNotebook({
  cells: ['print("sleeping", flush=True)', 'import time\ntime.sleep(60)'],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'turing-local-runtime-'));
  artifacts = new FilesystemArtifactStore({
    directory: join(dir, 'artifacts'),
    maxObjectBytes: 16 * 1024 * 1024,
    maxOwnerBytes: 256 * 1024 * 1024,
  });
  tokens = new HmacRunTokens(randomBytes(32).toString('hex'));
  const logger = createLogger({ level: 'warn' });
  const config = loadConfig({
    env: {
      // Nothing listens there: the runner routes never ask the hub.
      TURING_HUB_API_URL: 'http://127.0.0.1:9/hub/api',
      TURING_API_TOKEN: randomBytes(16).toString('hex'),
      TURING_LISTEN_PORT: '0',
      TURING_RUNTIME: 'local',
      TURING_LOG_LEVEL: 'warn',
    },
    readFile: () => {
      throw new Error('no config files in tests');
    },
  });
  runtime = new LocalJobRuntime({
    stateDir: join(dir, 'state'),
    artifacts,
    tokens,
    runnerApiUrl: () => runnerBase,
    pythonPath: PYTHON,
    logger,
  });
  proxy = await startHubProxy(config, {
    routes: runnerRoutes(new RunnerApiService({ runtime, artifacts, tokens })),
    logger,
  });
  runnerBase = `${proxy.url}${config.servicePrefix}`;
  await runtime.start();
});

afterAll(async () => {
  await runtime?.stop();
  await proxy?.shutdown('test done');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('local job runtime with real papermill', () => {
  it('runs a notebook with a parameters cell and stores the output with the injected values', async () => {
    const job = await createJob(
      'params',
      pythonNotebook({ parameters: 'greeting = "hello"\nn = 1', cells: ['print(f"{greeting} x {n * 2}")'] }),
      { parameters: { greeting: 'from-job', n: 2 }, outputs: ['ipynb', 'html'] },
    );
    const started = Date.now();
    const run = await runtime.startRun(job, { trigger: 'manual', parameters: { n: 21 } });
    expect(run.state).toBe('running');
    expect(run.attempt).toBe(1);
    const done = await waitForEnd(run.id);
    console.log(`[local-runtime] trivial run through LocalJobRuntime: ${Date.now() - started} ms`);

    expect(done).toMatchObject({ state: 'succeeded', attempt: 1, progress: { cell: 3, cells: 3 } });
    expect(done.startedAt).toBeDefined();
    expect(done.finishedAt).toBeDefined();
    const output = JSON.parse((await artifactText(done, 'output.ipynb')) ?? 'null') as {
      cells: { source: string | string[]; metadata: { tags?: string[] }; outputs?: { text?: string[] }[] }[];
    };
    const text = (s: string | string[]) => (Array.isArray(s) ? s.join('') : s);
    const injected = output.cells.find((c) => c.metadata.tags?.includes('injected-parameters'));
    expect(text(injected?.source ?? '')).toContain('greeting = "from-job"');
    expect(text(injected?.source ?? '')).toContain('n = 21');
    expect(JSON.stringify(output.cells.at(-1)?.outputs)).toContain('from-job x 42');
    expect(await artifactText(done, 'output.html')).toContain('from-job x 42');
    expect(await artifactText(done, 'log.txt')).toContain('from-job x 42');
  });

  it('marks a run failed when a cell raises, with the error in log.txt and as the reason', async () => {
    const job = await createJob('fails', pythonNotebook({ cells: ['x = 1', 'x / 0'] }));
    const run = await runtime.startRun(job, { trigger: 'manual' });
    const done = await waitForEnd(run.id);

    expect(done.state).toBe('failed');
    expect(done.reason).toMatch(/^ZeroDivisionError: division by zero/);
    const log = await artifactText(done, 'log.txt');
    expect(log).toContain('ZeroDivisionError');
    expect(log).toContain('x / 0');
    expect(await artifactText(done, 'output.ipynb')).toContain('ZeroDivisionError');
  });

  it('kills a run past timeoutSeconds, ends it timed_out and leaves no process behind', async () => {
    const job = await createJob('slow', SLEEP_NOTEBOOK, { timeoutSeconds: 3 });
    const started = Date.now();
    const run = await runtime.startRun(job, { trigger: 'manual' });
    await eventually('the runner process', 10_000, async () => (await processesOfRun(run.id)).length > 0);
    const done = await waitForEnd(run.id, 30_000);

    expect(done.state).toBe('timed_out');
    expect(done.reason).toBe('Timed out after 3s');
    expect(Date.now() - started).toBeLessThan(3_000 + 5_000 + 5_000);
    await eventually(
      'the run processes to exit',
      10_000,
      async () => (await processesOfRun(run.id)).length === 0,
    );
    // The captured log: the runner started, got SIGTERM and said so (the kernel may not have started in 3 s).
    const log = await artifactText(done, 'log.txt');
    expect(log).toContain(`turing-runner: starting run ${run.id}`);
    expect(log).toContain('terminated by signal 15');
  });

  it('re-runs a failed attempt when retries allow and ends succeeded on attempt 2', async () => {
    const marker = join(dir, 'retry-marker');
    const job = await createJob(
      'flaky',
      pythonNotebook({
        parameters: 'marker = ""',
        cells: [
          [
            'import os',
            'if not os.path.exists(marker):',
            '    open(marker, "w").close()',
            '    raise RuntimeError("first attempt fails")',
            'print("second attempt ok")',
          ].join('\n'),
        ],
      }),
      { retries: 1, parameters: { marker } },
    );
    const run = await runtime.startRun(job, { trigger: 'manual' });
    const chunks: string[] = [];
    for await (const chunk of runtime.followLog(run.id, AbortSignal.timeout(RUN_TIMEOUT_MS)) ?? []) {
      chunks.push(chunk);
    }
    const done = await waitForEnd(run.id);

    expect(done).toMatchObject({ state: 'succeeded', attempt: 2 });
    const followed = chunks.join('');
    expect(followed).toContain('--- attempt 1 of 2 ---');
    expect(followed).toContain('RuntimeError: first attempt fails');
    expect(followed).toContain('--- attempt 2 of 2 ---');
    // The first attempt's traceback quotes the cell's source, so look only after the second marker.
    expect(followed.slice(followed.indexOf('--- attempt 2 of 2 ---'))).toContain('second attempt ok');
  });

  it('cancels a running run: it ends cancelled and its processes are gone', async () => {
    const job = await createJob('cancel-me', SLEEP_NOTEBOOK);
    const run = await runtime.startRun(job, { trigger: 'manual' });
    await eventually(
      'the sleep cell to start',
      60_000,
      async () => (await runtime.getRun(run.id))?.progress?.cell === 2,
    );

    const cancelled = await runtime.cancelRun(run.id);
    expect(cancelled.state).toBe('cancelled');
    expect((await runtime.getRun(run.id))?.state).toBe('cancelled');
    await eventually(
      'the run processes to exit',
      10_000,
      async () => (await processesOfRun(run.id)).length === 0,
    );
    expect(await runtime.cancelRun(run.id)).toMatchObject({ state: 'cancelled' });
  });

  it('applies the concurrency policy to schedule ticks: forbid skips, replace cancels the active run', async () => {
    const job = await createJob('ticking', SLEEP_NOTEBOOK, {
      schedule: { cron: '0 0 1 1 *', timezone: 'Asia/Shanghai' },
      concurrency: 'forbid',
    });
    const objectName = job.metadata.name ?? '';
    expect(runtime.nextScheduledRun(objectName)?.toISOString()).toMatch(/-12-31T16:00:00\.000Z$/);

    const first = await runtime.runScheduledTick(objectName, new Date('2030-01-01T00:00:00Z'));
    expect(first).toMatchObject({ trigger: 'schedule', state: 'running' });
    const again = await runtime.runScheduledTick(objectName, new Date('2030-01-01T00:00:30Z'));
    expect(again?.id).toBe(first?.id);
    expect(await runtime.runScheduledTick(objectName, new Date('2030-01-01T00:01:00Z'))).toBeUndefined();
    expect(await runtime.listRuns(objectName)).toHaveLength(1);

    const current = await runtime.definitions.get(objectName);
    await runtime.definitions.replace({ ...current, spec: { ...current.spec, concurrency: 'replace' } });
    const second = await runtime.runScheduledTick(objectName, new Date('2030-01-01T00:02:00Z'));
    expect(second?.id).not.toBe(first?.id);
    expect((await runtime.getRun(first?.id ?? ''))?.state).toBe('cancelled');
    expect((await runtime.cancelRun(second?.id ?? '')).state).toBe('cancelled');

    await runtime.definitions.delete(objectName);
    expect(runtime.nextScheduledRun(objectName)).toBeUndefined();
    expect(await runtime.listRuns(objectName)).toEqual([]);
  });

  it('the runner API refuses a missing token (401), a token of another job or run (404, as for no run) and an ended run (409)', async () => {
    const job = await createJob('api-checks', pythonNotebook({ cells: ['print(1)'] }));
    const run = await runtime.startRun(job, { trigger: 'manual' });
    const done = await waitForEnd(run.id);
    expect(done.state).toBe('succeeded');
    const spec = `api/v1/runner/runs/${run.id}/spec`;
    const subject = runTokenSubject(job);

    const missing = await runnerFetch(spec);
    expect(missing.status).toBe(401);
    const otherJob = tokens.issue({ ...subject, job: jobObjectName(OWNER, 'someone-else') }, 60);
    const unreachable = await runnerFetch(spec, { headers: { Authorization: `Bearer ${otherJob}` } });
    expect(unreachable.status).toBe(404);
    const noSuchRun = await runnerFetch(`api/v1/runner/runs/${run.jobObjectName}-mzzzzzzzz/spec`, {
      headers: { Authorization: `Bearer ${tokens.issue(subject, 60)}` },
    });
    // Not 403: the answer must not tell another job's run from a missing one.
    expect(((await unreachable.json()) as { detail: string }).detail).toBe(
      ((await noSuchRun.json()) as { detail: string }).detail.replace(
        `${run.jobObjectName}-mzzzzzzzz`,
        run.id,
      ),
    );
    const otherRun = tokens.issue({ ...subject, run: `${run.jobObjectName}-mzzzzzzzz` }, 60);
    const wrongRun = await runnerFetch(`api/v1/runner/runs/${run.id}/artifacts/log.txt`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${otherRun}`, 'Content-Type': 'application/octet-stream' },
      body: 'x',
    });
    expect(wrongRun.status).toBe(404);
    const own = tokens.issue({ ...subject, run: run.id }, 60);
    const ended = await runnerFetch(`api/v1/runner/runs/${run.id}/progress`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${own}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ cell: 1, cells: 1 }),
    });
    expect(ended.status).toBe(409);
  });
});
