import type { Logger } from '../observability/logger.js';
import type { AuditStore } from './audit-store.js';

/** How often retention runs after the sweep at start. */
export const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** What {@link AuditRetention} needs. */
export interface AuditRetentionOptions {
  store: Pick<AuditStore, 'sweep'>;
  retentionDays: number;
  logger: Logger;
  /** Injected in tests. */
  now?: () => Date;
  intervalMs?: number;
}

/**
 * Deletes the days older than `retentionDays` at start and hourly. On
 * Kubernetes every replica sweeps: deleting a day is idempotent (a day
 * already gone is fine), it is one list of names plus a delete per expired
 * day, and it keeps working while no replica holds the Lease.
 */
export class AuditRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: AuditRetentionOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The oldest time kept: entries of days before this one's day are deleted. */
  cutoff(): Date {
    return new Date(this.now().getTime() - this.options.retentionDays * 86_400_000);
  }

  /** Sweeps now and then every interval. */
  start(): void {
    if (this.timer) return;
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs ?? SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** One sweep (joins one already running); failures are logged and retried at the next interval. */
  sweep(): Promise<string[]> {
    this.running ??= this.options.store
      .sweep(this.cutoff())
      .then((days) => {
        if (days.length > 0) this.options.logger.info({ days }, 'audit days past retention deleted');
        return days;
      })
      .catch((err: unknown) => {
        this.options.logger.warn({ err }, 'audit retention sweep failed; retrying at the next interval');
        return [];
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
