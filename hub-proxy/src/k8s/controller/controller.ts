import type { BackoffPolicy } from '../backoff.js';
import { toKubeError } from '../errors.js';
import { silentKubeLogger, type KubeLogger } from '../kube-logger.js';
import type { ManagedController } from './managed-controller.js';
import type { Reconciler } from './reconciler.js';
import { WorkQueue, systemClock, type QueueClock } from './work-queue.js';

/** Settings of a {@link Controller}. */
export interface ControllerOptions {
  /** Names the controller in logs and status. */
  name: string;
  reconciler: Reconciler;
  /** Whether the caches the reconciler reads are synced. Default: always ready. */
  ready?(): boolean;
  /** Every key there is to reconcile (usually the names in a cache); enqueued at start and each resync. */
  listKeys?(): Iterable<string>;
  /**
   * Called at start and at each resync, just before the keys of
   * {@link listKeys} are enqueued; for work that rides on the resync period.
   */
  onResync?(): void;
  /** How often every key is enqueued again; 0 or absent: only at start. */
  resyncMs?: number;
  /** Delays between retries of a failing key. Default: the queue's (500 ms doubling to 30 s, jittered). */
  backoff?: BackoffPolicy;
  /** Default: the real clock. */
  clock?: QueueClock;
  /** Jitter source, a number in [0, 1). Default `Math.random`. */
  random?: () => number;
  logger?: KubeLogger;
}

/**
 * One reconcile loop: a {@link WorkQueue}, one worker calling the
 * {@link Reconciler} for each key, and a periodic resync. One worker means a
 * key's reconciles never overlap and reconciles run one at a time.
 *
 * Between {@link start} and {@link stop} it accepts keys ({@link enqueue});
 * otherwise it ignores them. A reconcile that throws is retried after the
 * key's next backoff delay (logged); one that resolves resets the key's
 * backoff and, with `requeueAfterMs`, is queued again after that delay.
 * Each start uses a fresh queue (nothing carries over between leadership
 * terms) and enqueues every key of `listKeys`, so a new term catches up.
 */
export class Controller implements ManagedController {
  readonly name: string;
  private readonly logger: KubeLogger;
  private readonly clock: QueueClock;
  private queue: WorkQueue | undefined;
  private worker: Promise<void> = Promise.resolve();
  private resyncTimer: unknown;

  constructor(private readonly options: ControllerOptions) {
    this.name = options.name;
    this.logger = options.logger ?? silentKubeLogger;
    this.clock = options.clock ?? systemClock;
  }

  /** True between {@link start} and {@link stop}. */
  get isRunning(): boolean {
    return this.queue !== undefined;
  }

  ready(): boolean {
    return this.options.ready?.() ?? true;
  }

  /** Starts the worker and the resync; enqueues every key at once. No-op while running. */
  start(): void {
    if (this.queue) return;
    const queue = new WorkQueue({
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
      clock: this.clock,
    });
    this.queue = queue;
    // A quick stop-start may find the previous term's reconcile still running: never overlap it.
    this.worker = this.worker.then(() => this.work(queue));
    this.logger.info({ controller: this.name }, 'controller started');
    this.resync();
  }

  /** Stops accepting keys and resyncing; resolves once the reconcile in progress has finished. */
  async stop(): Promise<void> {
    const queue = this.queue;
    if (!queue) return this.worker;
    this.queue = undefined;
    this.clock.clearTimeout(this.resyncTimer);
    await queue.shutdown();
    await this.worker;
    this.logger.info({ controller: this.name }, 'controller stopped');
  }

  /** Queues `key` for reconciling; ignored while stopped. */
  enqueue(key: string): void {
    this.queue?.add(key);
  }

  private resync(): void {
    const queue = this.queue;
    if (!queue) return;
    try {
      this.options.onResync?.();
      // Behind event-driven keys: a job created during a full pass over
      // 10,000 is reconciled now, not after them.
      for (const key of this.options.listKeys?.() ?? []) queue.addBackground(key);
    } catch (err) {
      // The next resync tries again; a broken list must not end the loop.
      this.logger.warn({ controller: this.name, err: String(err) }, 'resync failed');
    }
    const every = this.options.resyncMs ?? 0;
    if (every > 0) this.resyncTimer = this.clock.setTimeout(() => this.resync(), every);
  }

  private async work(queue: WorkQueue): Promise<void> {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      await this.reconcileOne(queue, key);
    }
  }

  private async reconcileOne(queue: WorkQueue, key: string): Promise<void> {
    try {
      const result = await this.options.reconciler.reconcile(key);
      queue.forget(key);
      if (result && result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      const retryInMs = queue.addRateLimited(key);
      if (!queue.isShuttingDown) {
        this.logger.warn(
          {
            controller: this.name,
            key,
            err: toKubeError(err).message,
            retryInMs,
            failures: queue.failures(key),
          },
          'reconcile failed; retrying',
        );
      }
    } finally {
      queue.done(key);
    }
  }
}
