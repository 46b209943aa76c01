import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../observability/logger.js';
import { ProcessRunner } from './process-runner.js';

/** Stands in for the Python runner: prints the environment it was started with. */
const PRINT_ENV = `process.stdout.write('ENV ' + JSON.stringify(process.env) + '\\n');`;

describe('ProcessRunner', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'process-runner-'));
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  it("starts the runner with its run token and none of hub-proxy's secrets or config in its environment", async () => {
    // What a managed hub-proxy may hold in its own environment.
    const secrets = {
      JUPYTERHUB_API_TOKEN: 'hub-secret',
      JPY_API_TOKEN: 'hub-secret',
      TURING_API_TOKEN: 'hub-secret',
      TURING_RUN_TOKEN_SECRET: 'seed-secret-0123456789',
      TURING_CONFIG: '/etc/turing/config.json',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
    };
    for (const [name, value] of Object.entries(secrets)) vi.stubEnv(name, value);
    const script = join(dir, 'runner.mjs');
    await writeFile(script, PRINT_ENV);
    const runner = new ProcessRunner({
      pythonPath: process.execPath,
      runnerScript: script,
      logsDir: join(dir, 'logs'),
      runnerApiUrl: () => 'http://127.0.0.1:8000/services/turing/',
      tokens: { issue: () => 'the-run-token', verify: () => undefined },
      logger: createLogger({ level: 'silent' }),
    });
    const outcome = await runner.start({
      runId: 'run-1',
      tokenSubject: { job: 'job-abc123', uid: 'uid-1', owner: 'alice' },
      retries: 0,
      timeoutSeconds: 60,
      onAttempt: () => Promise.resolve(),
    }).done;
    expect(outcome.state).toBe('succeeded');
    const log = await readFile(runner.logPath('run-1'), 'utf8');
    const env = JSON.parse(log.slice(log.indexOf('ENV ') + 4).split('\n')[0] ?? '{}') as Record<
      string,
      string
    >;
    expect(env).toMatchObject({
      TURING_RUN_TOKEN: 'the-run-token',
      TURING_RUN_ID: 'run-1',
      TURING_RUNNER_API: 'http://127.0.0.1:8000/services/turing/',
    });
    expect(log).not.toContain('hub-secret');
    expect(log).not.toContain('seed-secret');
    expect(log).not.toContain('aws-secret');
    expect(Object.keys(env)).not.toContain('TURING_CONFIG');
    // No home template: the runner keeps hub-proxy's HOME and so its user's kernelspecs.
    expect(Object.keys(env)).not.toContain('JUPYTER_PATH');
  });

  it("points JUPYTER_PATH at the owner's kernelspecs under the configured home, named like KubeSpawner's", async () => {
    const script = join(dir, 'runner.mjs');
    await writeFile(script, PRINT_ENV);
    const runner = new ProcessRunner({
      pythonPath: process.execPath,
      runnerScript: script,
      logsDir: join(dir, 'logs'),
      runnerApiUrl: () => 'http://127.0.0.1:8000/services/turing/',
      tokens: { issue: () => 'the-run-token', verify: () => undefined },
      logger: createLogger({ level: 'silent' }),
      userHomeTemplate: '/srv/homes/{username}',
    });
    const outcome = await runner.start({
      runId: 'run-2',
      tokenSubject: { job: 'job-abc123', uid: 'uid-1', owner: 'Bob' },
      retries: 0,
      timeoutSeconds: 60,
      onAttempt: () => Promise.resolve(),
    }).done;
    expect(outcome.state).toBe('succeeded');
    const log = await readFile(runner.logPath('run-2'), 'utf8');
    const env = JSON.parse(log.slice(log.indexOf('ENV ') + 4).split('\n')[0] ?? '{}') as Record<
      string,
      string
    >;
    expect(env.JUPYTER_PATH).toBe('/srv/homes/bob---cd9fb1e1/.local/share/jupyter');
  });
});
