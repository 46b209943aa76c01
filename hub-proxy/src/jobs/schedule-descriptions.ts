import { describeSchedule, ScheduleError, type ScheduleInfo } from './cron.js';

/**
 * {@link describeSchedule} for the job views, computed once per distinct
 * schedule and minute. Describing one costs about 0.7 ms (time-zone
 * validation, croner's searches in the zone, cronstrue), which made most of
 * a user's job list; schedules repeat across jobs, and within a minute the
 * next runs of a 5-field schedule are the same whatever the second, so the
 * result is exact. Invalid schedules are remembered as their error.
 */
export class ScheduleDescriptions {
  private minute = Number.NaN;
  private readonly known = new Map<string, ScheduleInfo | ScheduleError>();

  /** `maxEntries`: distinct schedules kept per minute; past it, the cache starts over. */
  constructor(private readonly maxEntries = 10_000) {}

  /** As `describeSchedule(cron, timezone, { from: now })`; throws its ScheduleError. */
  describe(cron: string, timezone: string, now: Date): ScheduleInfo {
    const minute = Math.floor(now.getTime() / 60_000) * 60_000;
    if (minute !== this.minute || this.known.size >= this.maxEntries) {
      this.known.clear();
      this.minute = minute;
    }
    const key = `${timezone}\n${cron}`;
    let found = this.known.get(key);
    if (!found) {
      try {
        found = describeSchedule(cron, timezone, { from: new Date(minute) });
      } catch (err) {
        if (!(err instanceof ScheduleError)) throw err;
        found = err;
      }
      this.known.set(key, found);
    }
    if (found instanceof ScheduleError) throw found;
    return found;
  }
}
