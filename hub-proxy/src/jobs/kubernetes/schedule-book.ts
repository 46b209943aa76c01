import { Cron } from 'croner';

/** A job's schedule as the book needs it. */
export interface BookedSchedule {
  cron: string;
  timezone: string;
}

interface Pattern {
  /** Never started (no callback): used only to match and search instants. */
  cron: Cron;
  jobs: Set<string>;
}

/**
 * Which scheduled jobs tick at which minute. Jobs sharing a cron expression
 * and time zone share one parsed pattern, so a boundary costs one match per
 * distinct schedule rather than one per job: 10,000 jobs on a few dozen
 * schedules are a few dozen matches a minute, and no timer per job.
 */
export class ScheduleBook {
  private readonly patterns = new Map<string, Pattern>();
  private readonly keyOf = new Map<string, string>();

  /** Number of booked jobs. */
  get size(): number {
    return this.keyOf.size;
  }

  /**
   * Books `name` on `schedule`, or removes it when `schedule` is undefined.
   * Throws for an expression or time zone croner rejects (the API validates schedules, so
   * only a hand-written object can have one); the job is then not booked.
   */
  set(name: string, schedule: BookedSchedule | undefined): void {
    if (!schedule) {
      this.remove(name);
      return;
    }
    const key = JSON.stringify([schedule.cron.trim(), schedule.timezone]);
    if (this.keyOf.get(name) === key) return;
    this.remove(name);
    let pattern = this.patterns.get(key);
    if (!pattern) {
      const cron = new Cron(schedule.cron.trim(), {
        paused: true,
        mode: '5-part',
        timezone: schedule.timezone,
      });
      // croner reads the time zone only when it computes an instant: an unknown one throws here, not at a boundary.
      cron.nextRun();
      pattern = { cron, jobs: new Set() };
      this.patterns.set(key, pattern);
    }
    pattern.jobs.add(name);
    this.keyOf.set(name, key);
  }

  /** Unbooks `name`; a pattern no job uses any more is dropped. */
  remove(name: string): void {
    const key = this.keyOf.get(name);
    if (key === undefined) return;
    this.keyOf.delete(name);
    const pattern = this.patterns.get(key);
    pattern?.jobs.delete(name);
    if (pattern && pattern.jobs.size === 0) this.patterns.delete(key);
  }

  /** True if `name` is booked. */
  has(name: string): boolean {
    return this.keyOf.has(name);
  }

  /** Every booked job name. */
  names(): IterableIterator<string> {
    return this.keyOf.keys();
  }

  /** The jobs whose schedule ticks at the minute starting at `minute` (a whole minute). */
  dueAt(minute: Date): string[] {
    const due: string[] = [];
    for (const pattern of this.patterns.values())
      if (pattern.cron.match(minute)) for (const name of pattern.jobs) due.push(name);
    return due;
  }

  /** The job's latest tick at or before `at`; undefined if it is not booked or never ticked. */
  latestTick(name: string, at: Date): Date | undefined {
    const key = this.keyOf.get(name);
    const pattern = key === undefined ? undefined : this.patterns.get(key);
    if (!pattern) return undefined;
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
    if (pattern.cron.match(minute)) return minute;
    return pattern.cron.previousRuns(1, minute)[0];
  }
}
