import { backoffDelay, type BackoffPolicy } from '../backoff.js';

/**
 * Time and timers as the queue and controllers use them; injectable so tests
 * control time. {@link systemClock} looks the globals up at each call, so
 * `vi.useFakeTimers()` applies even to objects built before it.
 */
export interface QueueClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock: `Date.now` and the global timers. */
export const systemClock: QueueClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Delays between retries of a failing key: 500 ms doubling up to 30 s, up to half of each step random. */
export const DEFAULT_RETRY_BACKOFF: BackoffPolicy = { initialMs: 500, factor: 2, maxMs: 30_000, jitter: 0.5 };

/** Settings of a {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Per-key retry delays for {@link WorkQueue.addRateLimited}. Default {@link DEFAULT_RETRY_BACKOFF}. */
  backoff?: BackoffPolicy;
  /** Default {@link systemClock}. */
  clock?: QueueClock;
  /** Jitter source, a number in [0, 1). Default `Math.random`. */
  random?: () => number;
}

interface Waiting {
  readyAt: number;
  handle: unknown;
}

/**
 * A queue of keys (object names) for reconcile workers, with client-go's
 * rules so one object is never worked on twice at once and never lost:
 *
 * - a key added while already queued is queued once;
 * - a key added while a worker holds it (between {@link get} and {@link done})
 *   is not handed out again but queued once more when {@link done} is called,
 *   so the change that caused the add is still seen;
 * - {@link addAfter} queues a key later (one pending delay per key; the earlier wins);
 * - {@link addRateLimited} queues it after a per-key exponential, jittered
 *   backoff that grows with each call until {@link forget}.
 *
 * - {@link addBackground} queues a key behind every key {@link add} queued
 *   (a resync's full pass), so a change made now is not served after
 *   thousands of routine re-checks; adding it normally moves it to the front.
 *
 * {@link shutdown} refuses new keys, drops those not yet handed out and
 * resolves once every key being worked on is done.
 */
export class WorkQueue {
  private readonly policy: BackoffPolicy;
  private readonly clock: QueueClock;
  private readonly random: () => number;
  /** Keys ready for a worker; a Set keeps insertion (FIFO) order and dedups. */
  private readonly queued = new Set<string>();
  /** Keys from {@link addBackground}, handed out only when {@link queued} is empty. */
  private readonly background = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys added while processing: queued again at done(). */
  private readonly dirtyWhileProcessing = new Set<string>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly failureCounts = new Map<string, number>();
  private readonly getters: Array<(key: string | undefined) => void> = [];
  private drained: Promise<void> | undefined;
  private resolveDrained: (() => void) | undefined;

  constructor(options: WorkQueueOptions = {}) {
    this.policy = options.backoff ?? DEFAULT_RETRY_BACKOFF;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** Keys waiting for a worker (not those being worked on or delayed). */
  get length(): number {
    return this.queued.size + this.background.size;
  }

  /** True once {@link shutdown} was called. */
  get isShuttingDown(): boolean {
    return this.drained !== undefined;
  }

  /** Queues `key` unless it is already queued; see the class comment for keys being worked on. */
  add(key: string): void {
    if (this.isShuttingDown || this.queued.has(key)) return;
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return;
    }
    this.background.delete(key);
    this.queued.add(key);
    this.handOut();
  }

  /** Queues `key` behind every normally added key, unless it is queued or being worked on already. */
  addBackground(key: string): void {
    if (this.isShuttingDown || this.queued.has(key) || this.background.has(key)) return;
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return;
    }
    this.background.add(key);
    this.handOut();
  }

  /** Queues `key` after `delayMs` (at once if not positive). A pending earlier delay for the key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.isShuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const readyAt = this.clock.now() + delayMs;
    const pending = this.waiting.get(key);
    if (pending && pending.readyAt <= readyAt) return;
    if (pending) this.clock.clearTimeout(pending.handle);
    const handle = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, delayMs);
    this.waiting.set(key, { readyAt, handle });
  }

  /** Queues `key` after its next backoff delay and counts a failure; returns the delay. */
  addRateLimited(key: string): number {
    const failures = this.failureCounts.get(key) ?? 0;
    const delayMs = backoffDelay(failures, this.policy, this.random);
    this.failureCounts.set(key, failures + 1);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** Resets `key`'s failure count: its next {@link addRateLimited} waits the initial delay. */
  forget(key: string): void {
    this.failureCounts.delete(key);
  }

  /** Consecutive {@link addRateLimited} calls for `key` since it was last forgotten. */
  failures(key: string): number {
    return this.failureCounts.get(key) ?? 0;
  }

  /**
   * The next key, waiting for one if none is queued; `undefined` once the
   * queue is shut down. The caller must call {@link done} with it.
   */
  get(): Promise<string | undefined> {
    const key = this.take();
    if (key !== undefined || this.isShuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks `key` finished; queues it again if it was added meanwhile. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirtyWhileProcessing.delete(key)) this.add(key);
    if (this.isShuttingDown && this.processing.size === 0) this.resolveDrained?.();
  }

  /**
   * Stops accepting keys, cancels delayed ones, drops queued ones, wakes idle
   * workers with `undefined`, and resolves once the keys being worked on are
   * done. Calling it again returns the same promise.
   */
  shutdown(): Promise<void> {
    if (this.drained) return this.drained;
    this.drained = new Promise((resolve) => (this.resolveDrained = resolve));
    for (const { handle } of this.waiting.values()) this.clock.clearTimeout(handle);
    this.waiting.clear();
    this.queued.clear();
    this.background.clear();
    this.dirtyWhileProcessing.clear();
    this.failureCounts.clear();
    for (const resolve of this.getters.splice(0)) resolve(undefined);
    if (this.processing.size === 0) this.resolveDrained?.();
    return this.drained;
  }

  private take(): string | undefined {
    const from = this.queued.size > 0 ? this.queued : this.background;
    const key = from.values().next().value;
    if (key === undefined) return undefined;
    from.delete(key);
    this.processing.add(key);
    return key;
  }

  /** Gives queued keys to workers waiting in {@link get}. */
  private handOut(): void {
    while (this.getters.length > 0 && this.length > 0) {
      const key = this.take();
      this.getters.shift()?.(key);
    }
  }
}
