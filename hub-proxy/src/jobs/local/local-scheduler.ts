import { Cron } from 'croner';
import type { NotebookJob } from '../model.js';
import type { Logger } from '../../observability/logger.js';

/** Options of {@link LocalScheduler}. */
export interface LocalSchedulerOptions {
  /** Called on every tick of a job's schedule; errors are logged. */
  onTick: (objectName: string, at: Date) => Promise<void>;
  logger: Logger;
}

interface Entry {
  cron: Cron;
  /** The schedule it was built from, to skip rebuilding an unchanged one. */
  key: string;
}

/**
 * One croner timer per scheduled, unsuspended NotebookJob, in the job's
 * time zone and with the 5-field rules the API validates (`jobs/cron.ts`).
 */
export class LocalScheduler {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: LocalSchedulerOptions) {}

  /** (Re)schedules `job` from its spec, or unschedules it if it has no schedule or is suspended. */
  sync(job: NotebookJob): void {
    const name = job.metadata.name ?? '';
    const schedule = job.spec.schedule;
    if (!name || !schedule || job.spec.suspend) {
      this.remove(name);
      return;
    }
    const key = JSON.stringify([schedule.cron.trim(), schedule.timezone]);
    if (this.entries.get(name)?.key === key) return;
    this.remove(name);
    try {
      const cron = new Cron(schedule.cron.trim(), { mode: '5-part', timezone: schedule.timezone }, () =>
        this.tick(name),
      );
      this.entries.set(name, { cron, key });
    } catch (err) {
      // The API validates schedules; a bad one here was written by hand.
      this.options.logger.error({ err, job: name, schedule }, 'cannot schedule job');
    }
  }

  /** Stops the job's timer, if any. */
  remove(name: string): void {
    this.entries.get(name)?.cron.stop();
    this.entries.delete(name);
  }

  /** When the job's next tick is due; undefined if it is not scheduled. */
  nextRun(name: string): Date | undefined {
    return this.entries.get(name)?.cron.nextRun() ?? undefined;
  }

  /** Names of the scheduled jobs. */
  scheduled(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Stops every timer. */
  stop(): void {
    for (const name of [...this.entries.keys()]) this.remove(name);
  }

  private tick(name: string): void {
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    this.options.onTick(name, at).catch((err: unknown) => {
      this.options.logger.error({ err, job: name }, 'scheduled run failed to start');
    });
  }
}
