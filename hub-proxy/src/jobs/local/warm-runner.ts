import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';

/** What a warm runner becomes at hand-over: the run's environment, working directory and log. */
export interface HandOver {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The run's log; the runner appends its stdout and stderr to it (created with mode 0600). */
  log: string;
}

/** How to start one warm runner. */
export interface WarmRunnerSpawn {
  pythonPath: string;
  runnerScript: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Kept of a warm runner's stderr before its hand-over (import warnings, or why it died). */
const STDERR_KEEP_CHARS = 16 * 1024;

type WarmState = 'starting' | 'ready' | 'taken' | 'dead';

/**
 * One pre-started `python turing_runner.py --warm` (runner/warm_start.py),
 * in a process group of its own like a cold runner. It imports papermill
 * and friends, reports `ready` with a stamp of the files it was loaded
 * from, and serves exactly one run once handed over.
 */
export class WarmRunner {
  readonly child: ChildProcess;
  readonly startedAt = Date.now();
  private current: WarmState = 'starting';
  private stampValue: Record<string, string> | undefined;
  private stderrText = '';
  private stdoutBuffer = '';
  private readonly waiters = new Map<string, () => void>();
  /** Resolves when the process has exited (or could not be started). */
  readonly exited: Promise<void>;

  constructor(spawnOptions: WarmRunnerSpawn, onChange: (runner: WarmRunner) => void) {
    this.child = spawn(spawnOptions.pythonPath, [spawnOptions.runnerScript, '--warm'], {
      detached: true,
      cwd: spawnOptions.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: spawnOptions.env,
    });
    // An idle warm runner must not keep hub-proxy (or a test) alive; it exits on end of stdin.
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) unrefStream(stream);
    this.child.stdin?.on('error', () => undefined); // EPIPE when it died meanwhile: seen as its exit
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdoutBuffer += chunk;
      let newline;
      while ((newline = this.stdoutBuffer.indexOf('\n')) >= 0) {
        const line = this.stdoutBuffer.slice(0, newline);
        this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1);
        this.onMessage(line);
      }
      if (this.stdoutBuffer.length > 1 << 20) this.stdoutBuffer = ''; // not the protocol: ignore it
      onChange(this);
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrText = (this.stderrText + chunk).slice(-STDERR_KEEP_CHARS);
    });
    this.exited = new Promise((resolve) => {
      const gone = () => {
        this.current = 'dead';
        for (const wake of this.waiters.values()) wake();
        onChange(this);
        resolve();
      };
      this.child.once('exit', gone);
      this.child.once('error', gone);
    });
  }

  get state(): WarmState {
    return this.current;
  }

  /** Process id (and process group id). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What it wrote to stderr before the hand-over (the tail). */
  get stderr(): string {
    return this.stderrText;
  }

  /**
   * True when a file it was loaded from changed since it started (the
   * runner's modules, the venv's packages), or it never said which.
   */
  async isStale(): Promise<boolean> {
    const stamp = this.stampValue;
    if (!stamp) return true;
    for (const [path, mtimeNs] of Object.entries(stamp)) {
      const now = await stat(path, { bigint: true }).catch(() => undefined);
      if (now?.mtimeNs.toString() !== mtimeNs) return true;
    }
    return false;
  }

  /** Marks it taken: no one else can hand a run to it. */
  take(): void {
    if (this.current !== 'ready') throw new Error(`cannot take a warm runner that is ${this.current}`);
    this.current = 'taken';
    this.child.ref();
  }

  /**
   * Hands the run over; true once the runner confirmed it. False when it
   * died first or did not answer within `timeoutMs` (then it is killed):
   * the caller starts a cold runner instead.
   */
  async handOver(handOver: HandOver, timeoutMs: number): Promise<boolean> {
    if (this.current !== 'taken') throw new Error('take() the warm runner before handing a run over');
    const started = this.waitFor('started');
    this.child.stdin?.end(`${JSON.stringify(handOver)}\n`);
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      started,
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!answered) this.kill();
    return answered;
  }

  /** SIGKILL to its group: it holds no run (or its run is being thrown away). */
  kill(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.current === 'dead') return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // ESRCH: gone already.
    }
  }

  private waitFor(event: string): Promise<boolean> {
    if (this.current === 'dead') return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiters.set(event, () => resolve(this.current !== 'dead'));
    });
  }

  private onMessage(line: string): void {
    let message: { event?: unknown; stamp?: unknown };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return;
    }
    if (message.event === 'ready' && this.current === 'starting') {
      this.stampValue = isStamp(message.stamp) ? message.stamp : undefined;
      this.current = 'ready';
    }
    if (typeof message.event === 'string') {
      const wake = this.waiters.get(message.event);
      this.waiters.delete(message.event);
      wake?.();
    }
  }
}

function isStamp(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string')
  );
}

function unrefStream(stream: Readable | Writable | null): void {
  (stream as unknown as { unref?: () => void } | null)?.unref?.();
}
