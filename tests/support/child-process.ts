import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureLogStream } from './secrets-scan.js';

/** A long-running process started by a fixture, with its output kept in a log file. */
export interface ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ManagedProcess>();

// A crashed test run must not leave servers behind.
process.once('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});

/**
 * Starts `command` with its stdout and stderr appended to `<logDir>/<name>.log`,
 * and copied for the run's secrets scan (tests/support/secrets-scan.ts)
 * unless `secretsScan` is false.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { logDir: string; env?: NodeJS.ProcessEnv; cwd?: string; secretsScan?: boolean },
): ManagedProcess {
  const logFile = join(options.logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const scanCopy = options.secretsScan === false ? undefined : captureLogStream(name);
  if (scanCopy) {
    child.stdout?.pipe(scanCopy, { end: false });
    child.stderr?.pipe(scanCopy, { end: false });
    // 'close': both pipes are drained, so nothing is written after the end.
    const end = () => {
      if (!scanCopy.writableEnded) scanCopy.end();
    };
    child.once('close', end);
    child.once('error', end);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      log.write(`spawn error: ${String(err)}\n`);
      resolve(null);
    });
  });
  const managed: ManagedProcess = {
    name,
    logFile,
    child,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(managed);
      log.end();
    },
  };
  running.add(managed);
  void exited.then(() => running.delete(managed));
  return managed;
}

/** Polls `probe` until it returns true; fails early if `process` exits. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; process?: ManagedProcess },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let exited = false;
  void options.process?.exited.then(() => (exited = true));
  for (;;) {
    if (exited) {
      const log = options.process ? logTail(options.process.logFile) : '';
      throw new Error(`${what}: ${options.process?.name} exited early; its log ends:\n${log}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      const hint = options.process ? `; see ${options.process.logFile}` : '';
      throw new Error(`${what}: not ready after ${options.timeoutMs} ms${hint}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
}

/** The last `chars` characters of a log file, for error messages (the file may be gone later). */
export function logTail(file: string, chars = 3000): string {
  try {
    return readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '(no log)';
  }
}
