import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdir, open, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunTokenClaims, RunTokens } from '../model.js';
import type { Logger } from '../../observability/logger.js';
import { expandUserTemplate, ownerJupyterPath } from '../owner-home.js';
import { lastFailureReason } from './failure-reason.js';
import { runnerBaseEnvironment } from './runner-environment.js';
import type { WarmRunner } from './warm-runner.js';
import type { WarmRunnerPool } from './warm-runner-pool.js';

/** How a run's processes ended. */
export interface RunOutcome {
  state: 'succeeded' | 'failed' | 'timed_out' | 'cancelled';
  reason?: string;
  /** The run was stopped from outside (timeout, cancel, shutdown): its runner could not finish. */
  killed?: boolean;
}

/** Options of {@link ProcessRunner}. */
export interface ProcessRunnerOptions {
  /** The Python with papermill and nbconvert. */
  pythonPath: string;
  /** `runner/turing_runner.py`. */
  runnerScript: string;
  /** Where `<run id>.log` files go. */
  logsDir: string;
  /** Base URL of the runner API, ending in `/`; known once hub-proxy listens. */
  runnerApiUrl: () => string;
  tokens: RunTokens;
  logger: Logger;
  /** Between SIGTERM and SIGKILL when a run is stopped; 5 s. */
  killGraceMs?: number;
  /**
   * The run owner's home directory, a KubeSpawner-style template
   * (`/srv/homes/{username}`): runs get `JUPYTER_PATH` on its kernelspecs.
   * Unset: the runner inherits hub-proxy's `HOME`, and so its user's kernelspecs.
   */
  userHomeTemplate?: string;
  /**
   * Pre-started runners (runner/warm_start.py) to hand attempts to; an
   * attempt starts a cold runner when none is ready. Unset: always cold.
   */
  warmPool?: WarmRunnerPool;
}

/** One run to execute: attempts, limits and a callback as each attempt starts. */
export interface ProcessRunRequest {
  runId: string;
  /** The NotebookJob the run's token is bound to: object name, uid and owner. */
  tokenSubject: Pick<RunTokenClaims, 'job' | 'uid' | 'owner'>;
  /** Extra attempts after a failed one. */
  retries: number;
  /** Wall-clock limit of all attempts together. */
  timeoutSeconds: number;
  /** Called before attempt `attempt` (1-based) starts. */
  onAttempt: (attempt: number) => Promise<void>;
}

/** A run being executed. */
export interface RunningProcess {
  /** Resolves once no attempt is running any more. */
  readonly done: Promise<RunOutcome>;
  /** Stops the run (kills the attempt); it ends `cancelled`, or `failed` with `reason` if given. */
  cancel(outcome?: { state: 'cancelled' | 'failed'; reason: string }): void;
  /** Process id of the attempt now running (the leader of its process group). */
  readonly pid: number | undefined;
}

/** The token outlives the run's deadline by this much (the runner still uploads after it). */
const TOKEN_GRACE_SECONDS = 600;
/** A warm runner confirms a hand-over at once; one that does not is dropped for a cold start. */
const HAND_OVER_TIMEOUT_MS = 2_000;

interface AttemptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  spawnError?: Error;
}

/**
 * Runs `<python> <runner script>` once per attempt, each in its own process
 * group, with the run's API URL, a token scoped to the run and its id in
 * the environment; stdout and stderr go to `<logsDir>/<id>.log`. An attempt
 * goes to a ready warm runner from `warmPool` when there is one, which is
 * handed that same environment, working directory and log. Handles
 * retries (next attempt after a non-zero exit), the timeout over all
 * attempts (`timed_out`) and cancellation (`cancelled`) by killing the
 * group: SIGTERM, then SIGKILL after the grace period.
 */
export class ProcessRunner {
  private readonly killGraceMs: number;

  constructor(private readonly options: ProcessRunnerOptions) {
    this.killGraceMs = options.killGraceMs ?? 5_000;
  }

  /** Where the run's output is captured. */
  logPath(runId: string): string {
    return join(this.options.logsDir, `${runId}.log`);
  }

  /** Starts the first attempt right away. */
  start(request: ProcessRunRequest): RunningProcess {
    let stopped: RunOutcome | undefined;
    let child: ChildProcess | undefined;
    const stop = (outcome: RunOutcome) => {
      if (stopped) return;
      stopped = { ...outcome, killed: true };
      if (child) this.killGroup(child);
    };
    const deadline = setTimeout(
      () => stop({ state: 'timed_out', reason: `Timed out after ${request.timeoutSeconds}s` }),
      // setTimeout's own limit is ~24.8 days; the API allows at most 7.
      Math.min(request.timeoutSeconds * 1000, 2 ** 31 - 1),
    );
    const done = (async (): Promise<RunOutcome> => {
      try {
        await mkdir(this.options.logsDir, { recursive: true });
        const log = this.logPath(request.runId);
        const env = this.environment(request);
        const attempts = request.retries + 1;
        let reason = 'the runner did not start';
        for (let attempt = 1; attempt <= attempts && !stopped; attempt++) {
          await request.onAttempt(attempt);
          if (attempts > 1) await appendFile(log, `--- attempt ${attempt} of ${attempts} ---\n`);
          const offset = await fileSize(log);
          const result = await this.attempt(log, env, (started) => {
            child = started;
            if (stopped) this.killGroup(started);
          });
          child = undefined;
          if (stopped) break;
          if (result.code === 0) return { state: 'succeeded' };
          reason = await this.describeFailure(log, offset, result);
        }
        return stopped ?? { state: 'failed', reason };
      } catch (err) {
        this.options.logger.error({ err, run: request.runId }, 'run process failed');
        return stopped ?? { state: 'failed', reason: `The local runtime failed: ${(err as Error).message}` };
      } finally {
        clearTimeout(deadline);
      }
    })();
    return {
      done,
      cancel: (outcome = { state: 'cancelled', reason: 'Cancelled' }) => stop(outcome),
      get pid() {
        return child?.pid;
      },
    };
  }

  private environment(request: ProcessRunRequest): NodeJS.ProcessEnv {
    const env = runnerBaseEnvironment();
    const home = this.options.userHomeTemplate
      ? expandUserTemplate(this.options.userHomeTemplate, request.tokenSubject.owner)
      : undefined;
    return {
      ...env,
      // As on Kubernetes: kernelspecs the owner registered with `ipykernel install --user`.
      ...(home ? { JUPYTER_PATH: ownerJupyterPath(home) } : {}),
      TURING_RUNNER_API: this.options.runnerApiUrl(),
      TURING_RUN_ID: request.runId,
      TURING_RUN_TOKEN: this.options.tokens.issue(
        { ...request.tokenSubject, run: request.runId },
        request.timeoutSeconds + TOKEN_GRACE_SECONDS,
      ),
    };
  }

  /** One attempt: resolves when the process has exited (or could not start). */
  private async attempt(
    log: string,
    env: NodeJS.ProcessEnv,
    onStart: (child: ChildProcess) => void,
  ): Promise<AttemptResult> {
    const warm = await this.options.warmPool?.take();
    if (warm) {
      const result = await this.warmAttempt(warm, log, env, onStart);
      if (result) return result;
      this.options.logger.warn({ pid: warm.pid }, 'warm runner did not take the run; starting a cold one');
    }
    return this.coldAttempt(log, env, onStart);
  }

  /** Hands the attempt to a warm runner; undefined if it did not take it (then nothing ran). */
  private async warmAttempt(
    warm: WarmRunner,
    log: string,
    env: NodeJS.ProcessEnv,
    onStart: (child: ChildProcess) => void,
  ): Promise<AttemptResult | undefined> {
    const exited = new Promise<AttemptResult>((resolve) =>
      warm.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    // What it printed while importing (warnings) goes first, as a cold runner's would.
    if (warm.stderr) await appendFile(log, warm.stderr, { mode: 0o600 });
    if (!(await warm.handOver({ env, cwd: tmpdir(), log }, HAND_OVER_TIMEOUT_MS))) return undefined;
    onStart(warm.child);
    return exited;
  }

  private async coldAttempt(
    log: string,
    env: NodeJS.ProcessEnv,
    onStart: (child: ChildProcess) => void,
  ): Promise<AttemptResult> {
    const handle = await open(log, 'a', 0o600);
    try {
      const child = spawn(this.options.pythonPath, [this.options.runnerScript], {
        detached: true,
        // Not hub-proxy's directory: the runner works in a temp dir of its own.
        cwd: tmpdir(),
        stdio: ['ignore', handle.fd, handle.fd],
        env,
      });
      const exited = new Promise<AttemptResult>((resolve) => {
        child.once('error', (spawnError) => resolve({ code: null, signal: null, spawnError }));
        child.once('exit', (code, signal) => resolve({ code, signal }));
      });
      if (child.pid !== undefined) onStart(child);
      const result = await exited;
      if (result.spawnError) {
        await appendFile(log, `cannot start ${this.options.pythonPath}: ${result.spawnError.message}\n`);
      }
      return result;
    } finally {
      await handle.close();
    }
  }

  /** SIGTERM to the whole group, SIGKILL if it is still there after the grace period. */
  private killGroup(child: ChildProcess): void {
    const pid = child.pid;
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), this.killGraceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      // Whatever the runner left in its group goes too.
      signalGroup(pid, 'SIGKILL');
    });
  }

  private async describeFailure(log: string, offset: number, result: AttemptResult): Promise<string> {
    if (result.spawnError) return `Cannot start the runner: ${result.spawnError.message}`;
    const how = result.signal ? `killed by ${result.signal}` : `exited with code ${result.code}`;
    const found = await lastFailureReason(log, offset);
    return found ?? `The runner ${how}`;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
