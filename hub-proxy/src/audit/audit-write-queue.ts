import { backoffDelay, type BackoffPolicy } from '../k8s/backoff.js';
import type { Logger } from '../observability/logger.js';
import {
  recordAuditEntriesDropped,
  recordAuditEntriesWritten,
  recordAuditWriteFailure,
  setAuditQueueSize,
} from '../observability/metrics.js';
import type { AuditEntry } from './audit-entry.js';
import type { AuditStore } from './audit-store.js';

/** How {@link AuditWriteQueue} batches and retries. */
export interface AuditWriteQueueOptions {
  store: Pick<AuditStore, 'append'>;
  logger: Logger;
  /** Entries held at most; more are dropped (counted and logged). Default 10,000. */
  capacity?: number;
  /** Entries per store write. Default 500. */
  batchSize?: number;
  /** How often the queue is written. Default 200 ms. */
  flushIntervalMs?: number;
  /** Waits between failed writes. Default 200 ms doubling to 30 s. */
  retry?: BackoffPolicy;
}

const DEFAULT_RETRY: BackoffPolicy = { initialMs: 200, factor: 2, maxMs: 30_000, jitter: 0.3 };
/** At most one overflow log line this often; the counter has every drop. */
const OVERFLOW_LOG_INTERVAL_MS = 10_000;

/**
 * The audit log's write-behind queue: requests only enqueue (never wait
 * on the store); a timer writes batches every `flushIntervalMs`, retrying a
 * failed batch with backoff (`turing_audit_write_failures_total`). A full
 * queue drops new entries, counted (`turing_audit_entries_dropped_total`)
 * and logged. {@link close} writes what is left at shutdown.
 */
export class AuditWriteQueue {
  private readonly queue: AuditEntry[] = [];
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly retry: BackoffPolicy;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<boolean> | undefined;
  private failures = 0;
  private closed = false;
  private droppedSinceLog = 0;
  private lastOverflowLog = 0;

  constructor(private readonly options: AuditWriteQueueOptions) {
    this.capacity = options.capacity ?? 10_000;
    this.batchSize = options.batchSize ?? 500;
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /** Entries waiting to be written. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues one entry; drops it (counted, logged) when the queue is full or closed. */
  enqueue(entry: AuditEntry): void {
    if (this.closed || this.queue.length >= this.capacity) {
      this.drop(this.closed ? 'shutdown' : 'overflow', 1);
      return;
    }
    this.queue.push(entry);
    setAuditQueueSize(this.queue.length);
  }

  /** Starts the periodic writes. */
  start(): void {
    if (!this.closed && !this.timer) this.schedule(this.flushIntervalMs);
  }

  /** Writes one batch now; false if it failed. Resolves at once when nothing waits. */
  async flushOnce(): Promise<boolean> {
    if (this.writing) return this.writing;
    if (this.queue.length === 0) return true;
    this.writing = this.writeBatch().finally(() => (this.writing = undefined));
    return this.writing;
  }

  /**
   * Stops the timer and writes what is queued, retrying until `deadlineMs`
   * has passed; what still could not be written is counted and logged.
   */
  async close(deadlineMs = 5_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + deadlineMs;
    let attempt = 0;
    while (this.queue.length > 0 && Date.now() < deadline) {
      if (await this.flushOnce()) continue;
      const wait = Math.min(backoffDelay(attempt++, this.retry), deadline - Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (this.queue.length > 0) {
      const lost = this.queue.splice(0);
      this.drop('shutdown', lost.length);
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    let ok = true;
    // Everything queued goes out in this tick, batch by batch.
    while (ok && this.queue.length > 0 && !this.closed) ok = await this.flushOnce();
    if (this.closed) return;
    this.schedule(ok ? this.flushIntervalMs : backoffDelay(this.failures - 1, this.retry));
  }

  private async writeBatch(): Promise<boolean> {
    const batch = this.queue.slice(0, this.batchSize);
    try {
      await this.options.store.append(batch);
    } catch (err) {
      this.failures++;
      recordAuditWriteFailure();
      this.options.logger.warn(
        { err, entries: batch.length, queued: this.queue.length, failures: this.failures },
        'audit write failed; retrying',
      );
      return false;
    }
    this.queue.splice(0, batch.length);
    setAuditQueueSize(this.queue.length);
    recordAuditEntriesWritten(batch.length);
    if (this.failures > 0) this.options.logger.info({ failures: this.failures }, 'audit writes recovered');
    this.failures = 0;
    return true;
  }

  private drop(reason: 'overflow' | 'shutdown', count: number): void {
    recordAuditEntriesDropped(reason, count);
    if (reason === 'shutdown') {
      this.options.logger.error(
        { entries: count },
        'audit entries lost at shutdown: the store did not take them',
      );
      return;
    }
    this.droppedSinceLog += count;
    const now = Date.now();
    if (now - this.lastOverflowLog >= OVERFLOW_LOG_INTERVAL_MS) {
      this.options.logger.error(
        { dropped: this.droppedSinceLog, capacity: this.capacity },
        'audit queue full: entries dropped (the store is not keeping up)',
      );
      this.lastOverflowLog = now;
      this.droppedSinceLog = 0;
    }
  }
}
