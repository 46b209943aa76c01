import type { Logger } from '../../observability/logger.js';
import { WarmRunner, type WarmRunnerSpawn } from './warm-runner.js';

/** Options of {@link WarmRunnerPool}. */
export interface WarmRunnerPoolOptions {
  /** Warm runners kept ready; 0 turns the pool off. */
  size: number;
  pythonPath: string;
  runnerScript: string;
  /** Working directory they start in (the same as a cold runner's). */
  cwd: string;
  /** Their environment at start: nothing run-specific (see runner-environment.ts). */
  environment: () => NodeJS.ProcessEnv;
  logger: Logger;
  /** A warm runner older than this is replaced, used or not; 10 minutes. */
  maxAgeMs?: number;
  /** Wait before replacing one that died before it was ready; doubles per failure up to a minute. 1 s. */
  retryDelayMs?: number;
  /**
   * Wait after handing a runner out before starting its replacement, so
   * the replacement's imports (2 s of CPU) do not slow the run's own kernel
   * start; 3 s.
   */
  refillDelayMs?: number;
}

const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Keeps `size` warm runners (runner/warm_start.py) ready to take a run.
 * {@link take} hands out a ready one that is alive, younger than
 * `maxAgeMs` and loaded from unchanged files, and starts its replacement at
 * once; any other is killed and replaced. With none ready it returns
 * undefined and the caller starts a cold runner, so a run never waits for
 * a warm-up. Each runner is handed out once: one process, one run. The
 * replacement of one handed out starts `refillDelayMs` later, once the
 * run's kernel is (usually) up; any other replacement starts at once.
 */
export class WarmRunnerPool {
  private readonly idle: WarmRunner[] = [];
  private readonly maxAgeMs: number;
  private readonly retryDelayMs: number;
  private readonly refillDelayMs: number;
  private refillTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly ageTimers = new Map<WarmRunner, NodeJS.Timeout>();
  private running = false;

  constructor(private readonly options: WarmRunnerPoolOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.retryDelayMs = options.retryDelayMs ?? 1_000;
    this.refillDelayMs = options.refillDelayMs ?? 3_000;
  }

  /** Starts filling the pool; again is a no-op. */
  start(): void {
    if (this.options.size <= 0 || this.running) return;
    this.running = true;
    this.fill();
  }

  /** Kills the runners not handed out and waits for them to exit. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    const idle = this.idle.splice(0);
    for (const runner of idle) this.retire(runner);
    await Promise.all(idle.map((r) => r.exited));
  }

  /** Runners starting or ready, not handed out. */
  get size(): number {
    return this.idle.length;
  }

  /** Runners ready now. */
  get ready(): number {
    return this.idle.filter((r) => r.state === 'ready').length;
  }

  /**
   * A ready, fresh warm runner, already marked taken, or undefined (pool
   * off or nothing ready: start a cold runner). Refills the pool either way.
   */
  async take(): Promise<WarmRunner | undefined> {
    for (;;) {
      const runner = this.idle.find((r) => r.state === 'ready');
      if (!runner) {
        this.fill();
        return undefined;
      }
      this.remove(runner);
      if (Date.now() - runner.startedAt > this.maxAgeMs || (await runner.isStale())) {
        this.options.logger.info({ pid: runner.pid }, 'warm runner is stale; replacing it');
        this.retire(runner);
        continue;
      }
      // It may have died while its files were checked.
      if (runner.state !== 'ready') continue;
      runner.take();
      this.fillLater();
      return runner;
    }
  }

  private fill(): void {
    while (
      this.running &&
      this.retryTimer === undefined &&
      this.refillTimer === undefined &&
      this.idle.length < this.options.size
    ) {
      this.spawnOne();
    }
  }

  private fillLater(): void {
    if (this.refillTimer !== undefined || !this.running) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      this.fill();
    }, this.refillDelayMs);
    this.refillTimer.unref();
  }

  private spawnOne(): void {
    const spawnOptions: WarmRunnerSpawn = {
      pythonPath: this.options.pythonPath,
      runnerScript: this.options.runnerScript,
      cwd: this.options.cwd,
      env: this.options.environment(),
    };
    const runner = new WarmRunner(spawnOptions, (r) => this.onChange(r));
    this.idle.push(runner);
    const timer = setTimeout(() => {
      // Too old to trust (the machine may have changed under it): replace it while idle.
      if (!this.idle.includes(runner)) return;
      this.remove(runner);
      this.retire(runner);
      this.fill();
    }, this.maxAgeMs);
    timer.unref();
    this.ageTimers.set(runner, timer);
  }

  private onChange(runner: WarmRunner): void {
    if (runner.state === 'ready') this.failures = 0;
    if (runner.state !== 'dead' || !this.idle.includes(runner)) return;
    // Died while idle: before it was ready (a broken venv?) or since. Replace it, backing off.
    this.remove(runner);
    this.failures += 1;
    this.options.logger.warn(
      { pid: runner.pid, exitCode: runner.child.exitCode, stderr: runner.stderr.slice(-2000) },
      'warm runner exited before it was used',
    );
    if (!this.running) return;
    const delay = Math.min(this.retryDelayMs * 2 ** (this.failures - 1), MAX_RETRY_DELAY_MS);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.fill();
    }, delay);
    this.retryTimer.unref();
  }

  private remove(runner: WarmRunner): void {
    const at = this.idle.indexOf(runner);
    if (at >= 0) this.idle.splice(at, 1);
    clearTimeout(this.ageTimers.get(runner));
    this.ageTimers.delete(runner);
  }

  private retire(runner: WarmRunner): void {
    runner.kill();
    // Closing stdin also ends one still importing, should the kill be refused.
    runner.child.stdin?.destroy();
  }
}
