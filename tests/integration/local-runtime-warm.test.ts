import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../../hub-proxy/src/artifacts/filesystem-store.js';
import { loadConfig } from '../../hub-proxy/src/config/load.js';
import { isTerminal, type RunRecord } from '../../hub-proxy/src/jobs/model.js';
import { artifactKeys, type RunArtifactName } from '../../hub-proxy/src/jobs/naming.js';
import { HmacRunTokens } from '../../hub-proxy/src/jobs/run-token.js';
import { LocalJobRuntime } from '../../hub-proxy/src/jobs/local/index.js';
import { runnerRoutes } from '../../hub-proxy/src/jobs/runner-routes.js';
import { RunnerApiService } from '../../hub-proxy/src/jobs/runner-api.js';
import { createLogger } from '../../hub-proxy/src/observability/logger.js';
import { startHubProxy, type HubProxyHandle } from '../../hub-proxy/src/server.js';
import { eventually } from '../support/eventually.js';
import { localJobFor } from '../support/local-job.js';
import { pythonNotebook } from '../support/notebooks.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = join(REPO, '.venv', 'bin', 'python');
const OWNER = 'alice';
const RUN_TIMEOUT_MS = 120_000;

/** What the kernel sees: whether its runner was a warm one, the runner's pid, its run, cwd and variables. */
const PROBE = [
  'import json, os',
  'runner_cmd = open(f"/proc/{os.getppid()}/cmdline", "rb").read().split(b"\\0")',
  'print("PROBE " + json.dumps({"warm": b"--warm" in runner_cmd, "runner": os.getppid(),',
  '    "run": os.environ.get("TURING_RUN_ID"), "cwd": os.getcwd(), "env": sorted(os.environ)}))',
].join('\n');

interface Probe {
  warm: boolean;
  runner: number;
  run: string;
  cwd: string;
  env: string[];
}

/** A local runtime with its own runner API, state and artifacts, and `warmRunners` warm runners. */
async function localStack(warmRunners: number) {
  const dir = await mkdtemp(join(tmpdir(), `turing-warm-${warmRunners}-`));
  const artifacts = new FilesystemArtifactStore({
    directory: join(dir, 'artifacts'),
    maxObjectBytes: 16 * 1024 * 1024,
    maxOwnerBytes: 256 * 1024 * 1024,
  });
  const tokens = new HmacRunTokens(randomBytes(32).toString('hex'));
  const logger = createLogger({ level: 'warn' });
  const config = loadConfig({
    env: {
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
  let runnerBase = '';
  const runtime = new LocalJobRuntime({
    stateDir: join(dir, 'state'),
    artifacts,
    tokens,
    runnerApiUrl: () => runnerBase,
    pythonPath: PYTHON,
    warmRunners,
    logger,
  });
  const proxy: HubProxyHandle = await startHubProxy(config, {
    routes: runnerRoutes(new RunnerApiService({ runtime, artifacts, tokens })),
    logger,
  });
  runnerBase = `${proxy.url}${config.servicePrefix}`;
  await runtime.start();

  const waitForEnd = (runId: string) =>
    eventually(
      `run ${runId} to end`,
      RUN_TIMEOUT_MS,
      async () => {
        const run = await runtime.getRun(runId);
        return run && isTerminal(run.state) ? run : undefined;
      },
      100,
    );
  const artifactText = async (run: RunRecord, file: RunArtifactName) => {
    const stored = await artifacts.get(artifactKeys.runArtifact(run.owner, run.jobObjectName, run.id, file));
    if (!stored) return '';
    const chunks: Buffer[] = [];
    for await (const chunk of stored.body) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  };
  const warmReady = (count: number) =>
    eventually(`${count} warm runner(s) ready`, 90_000, () =>
      Promise.resolve(runtime.warmRunners().ready >= count || undefined),
    );
  return {
    runtime,
    waitForEnd,
    artifactText,
    warmReady,
    createJob: async (name: string, cells: string[], parameters: Record<string, unknown> = {}) =>
      runtime.definitions.create(
        await localJobFor(
          artifacts,
          OWNER,
          name,
          pythonNotebook({ parameters: 'greeting = "hello"\nn = 1', cells }),
          { timeoutSeconds: 120, historyLimit: 10, parameters, outputs: ['ipynb', 'html'] },
        ),
      ),
    stop: async () => {
      await runtime.stop();
      await proxy.shutdown('test done');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

type Stack = Awaited<ReturnType<typeof localStack>>;

/** The PROBE lines a run's output notebook printed. */
function probes(outputNotebook: string): Probe[] {
  const nb = JSON.parse(outputNotebook) as { cells: { outputs?: { text?: string | string[] }[] }[] };
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? '')))
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('PROBE '))
    .map((line) => JSON.parse(line.slice('PROBE '.length)) as Probe);
}

/** The executed notebook without what differs between any two runs (timings, pids, temp dirs). */
function comparableNotebook(outputNotebook: string): unknown {
  const nb = JSON.parse(outputNotebook) as {
    cells: { source: unknown; execution_count?: unknown; outputs?: { text?: string | string[] }[] }[];
  };
  return nb.cells.map((c) => ({
    source: c.source,
    execution_count: c.execution_count,
    outputs: (c.outputs ?? []).map((o) =>
      (Array.isArray(o.text) ? o.text.join('') : (o.text ?? '')).replace(/^PROBE .*$/m, 'PROBE'),
    ),
  }));
}

/** log.txt with times, run ids and temp paths taken out. */
function comparableLog(log: string, run: RunRecord): string[] {
  return log
    .split('\n')
    .map((line) =>
      line
        .replace(/^\[\d\d:\d\d:\d\d\] /, '')
        .replaceAll(run.id, '<run>')
        .replace(/\/turing-run-[^/]+\//g, '/turing-run-<tmp>/')
        .replace(/PROBE .*/, 'PROBE')
        .replace(/\(\d+ bytes\)/, '(n bytes)'),
    )
    .filter((line) => line.length > 0);
}

let cold: Stack;
let warm: Stack;

beforeAll(async () => {
  cold = await localStack(0);
  warm = await localStack(2);
});

afterAll(async () => {
  await warm?.stop();
  await cold?.stop();
});

describe('warm runners in the local runtime', () => {
  it('produces the same status, outputs, log and kernel environment from a warm runner as from a cold one', async () => {
    const cells = [PROBE, 'print(f"{greeting} x {n * 2}")'];
    const coldJob = await cold.createJob('same', cells, { greeting: 'from-job' });
    const warmJob = await warm.createJob('same', cells, { greeting: 'from-job' });
    await warm.warmReady(1);

    const coldRun = await cold.waitForEnd((await cold.runtime.startRun(coldJob, { trigger: 'manual' })).id);
    const warmRun = await warm.waitForEnd((await warm.runtime.startRun(warmJob, { trigger: 'manual' })).id);

    const [coldOut, warmOut] = [
      await cold.artifactText(coldRun, 'output.ipynb'),
      await warm.artifactText(warmRun, 'output.ipynb'),
    ];
    const [coldProbe] = probes(coldOut);
    const [warmProbe] = probes(warmOut);
    // Not vacuous: one really ran in a warm runner, the other in a cold one.
    expect(coldProbe?.warm).toBe(false);
    expect(warmProbe?.warm).toBe(true);

    for (const [run, probe] of [
      [coldRun, coldProbe],
      [warmRun, warmProbe],
    ] as const) {
      expect(run).toMatchObject({ state: 'succeeded', attempt: 1, progress: { cell: 4, cells: 4 } });
      expect(run.reason).toBeUndefined();
      expect(probe?.run).toBe(run.id);
      expect(probe?.cwd).toMatch(/\/turing-run-[^/]+\/work$/);
    }
    expect(warmProbe?.env).toEqual(coldProbe?.env);
    expect(comparableNotebook(warmOut)).toEqual(comparableNotebook(coldOut));
    expect(JSON.stringify(comparableNotebook(warmOut))).toContain('from-job x 2');
    expect(await warm.artifactText(warmRun, 'output.html')).toContain('from-job x 2');
    expect(comparableLog(await warm.artifactText(warmRun, 'log.txt'), warmRun)).toEqual(
      comparableLog(await cold.artifactText(coldRun, 'log.txt'), coldRun),
    );
  });

  it('fails a warm run whose cell raises with the same reason and log as a cold one', async () => {
    const cells = [PROBE, 'x = 1', 'x / 0'];
    const coldJob = await cold.createJob('fails', cells);
    const warmJob = await warm.createJob('fails', cells);
    await warm.warmReady(1);

    const coldRun = await cold.waitForEnd((await cold.runtime.startRun(coldJob, { trigger: 'manual' })).id);
    const warmRun = await warm.waitForEnd((await warm.runtime.startRun(warmJob, { trigger: 'manual' })).id);

    expect(probes(await warm.artifactText(warmRun, 'output.ipynb'))[0]?.warm).toBe(true);
    expect(warmRun.state).toBe('failed');
    expect(warmRun.reason).toMatch(/^ZeroDivisionError: division by zero/);
    expect(warmRun.reason).toBe(coldRun.reason);
    expect(comparableLog(await warm.artifactText(warmRun, 'log.txt'), warmRun)).toEqual(
      comparableLog(await cold.artifactText(coldRun, 'log.txt'), coldRun),
    );
  });

  it('runs two concurrent runs in two different warm processes, each with only its own run in its environment', async () => {
    const job = await warm.createJob('pair', [PROBE]);
    await warm.warmReady(2);
    const [a, b] = await Promise.all([
      warm.runtime.startRun(job, { trigger: 'manual' }),
      warm.runtime.startRun(job, { trigger: 'manual' }),
    ]);
    const [doneA, doneB] = await Promise.all([warm.waitForEnd(a.id), warm.waitForEnd(b.id)]);
    expect(doneA.state).toBe('succeeded');
    expect(doneB.state).toBe('succeeded');
    const [probeA] = probes(await warm.artifactText(doneA, 'output.ipynb'));
    const [probeB] = probes(await warm.artifactText(doneB, 'output.ipynb'));
    expect(probeA?.warm).toBe(true);
    expect(probeB?.warm).toBe(true);
    expect(probeA?.runner).not.toBe(probeB?.runner);
    expect(probeA?.run).toBe(a.id);
    expect(probeB?.run).toBe(b.id);
    expect(probeA?.cwd).not.toBe(probeB?.cwd);
  });
});
