import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdir, open, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LaunchPlan } from './serving-launch.js';

/** How a serving process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when it could not be started at all. */
  spawnError?: Error;
}

/** The pid file inside a process folder: a later hub-proxy finds processes a crash left behind. */
export const PID_FILE = 'pid';
/** A model's log past this size is moved to `<log>.1` when a process starts. */
const MAX_LOG_BYTES = 10 * 1024 * 1024;

/**
 * One serving process (MLServer or the TF Serving stand-in), in its own
 * process group so stopping it stops whatever it started; stdout and stderr
 * are appended to the model's log file.
 */
export class ServingProcess {
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    /** Resolves once the process has exited (or failed to start). */
    readonly exited: Promise<ProcessExit>,
    /** Where this process's output starts in the log file. */
    readonly logOffset: number,
  ) {}

  /** Starts `plan` with its output appended to `logFile`, and writes `<plan.cwd>/pid`. */
  static async start(plan: LaunchPlan, logFile: string): Promise<ServingProcess> {
    await mkdir(dirname(logFile), { recursive: true });
    const logOffset = await rotatedSize(logFile);
    await appendFile(
      logFile,
      `--- ${new Date().toISOString()} starting ${plan.label} on 127.0.0.1:${plan.port} ---\n`,
      { mode: 0o600 },
    );
    const handle = await open(logFile, 'a', 0o600);
    let child: ChildProcess;
    let exited: Promise<ProcessExit>;
    try {
      child = spawn(plan.command, plan.args, {
        cwd: plan.cwd,
        env: plan.env,
        detached: true,
        stdio: ['ignore', handle.fd, handle.fd],
      });
      // Listening before any await: a spawn error is emitted on the next tick.
      exited = new Promise<ProcessExit>((resolve) => {
        child.once('error', (spawnError) => resolve({ code: null, signal: null, spawnError }));
        child.once('exit', (code, signal) => resolve({ code, signal }));
      });
    } finally {
      // The child holds its own copy of the descriptor.
      await handle.close();
    }
    const started = new ServingProcess(child, exited, logOffset);
    if (child.pid !== undefined) {
      await writeFile(join(plan.cwd, PID_FILE), `${child.pid}\n`);
      trackForExit(started);
      void exited.then(() => untrackForExit(started));
    }
    return started;
  }

  /** Process id (the leader of its group); undefined if it never started. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** True once {@link stop} was called: an exit after it is not a crash. */
  get stopRequested(): boolean {
    return this.stopping;
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const pid = this.child.pid;
    if (pid === undefined) return;
    if (this.running) signalGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // Whatever it left in its group goes too.
    signalGroup(pid, 'SIGKILL');
  }

  /** SIGKILL to the group at once (hub-proxy is exiting). */
  killNow(): void {
    this.stopping = true;
    if (this.child.pid !== undefined) signalGroup(this.child.pid, 'SIGKILL');
  }
}

/** The size of `logFile`, after moving it to `<logFile>.1` if it is too large. */
async function rotatedSize(logFile: string): Promise<number> {
  let size: number;
  try {
    size = (await stat(logFile)).size;
  } catch {
    return 0;
  }
  if (size <= MAX_LOG_BYTES) return size;
  await rename(logFile, `${logFile}.1`);
  return 0;
}

/** Sends `signal` to process group `pid`; a group that is gone is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

// A hub-proxy that exits (even on a crash) takes its serving processes with it.
const live = new Set<ServingProcess>();
let exitHook: (() => void) | undefined;

function trackForExit(p: ServingProcess): void {
  live.add(p);
  if (!exitHook) {
    exitHook = () => {
      for (const each of live) each.killNow();
    };
    process.once('exit', exitHook);
  }
}

function untrackForExit(p: ServingProcess): void {
  live.delete(p);
  if (live.size === 0 && exitHook) {
    process.removeListener('exit', exitHook);
    exitHook = undefined;
  }
}
