import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import type { FieldError } from '../errors/index.js';

/**
 * Cron schedules as Kubernetes CronJobs read them: five fields (minute, hour,
 * day of month, month, day of week) or a macro such as `@daily`, in an IANA
 * time zone. The local runtime's scheduler (croner) is run in its 5-field
 * mode with the same OR rule for day-of-month/day-of-week as Vixie cron, so
 * the preview, the local runtime and the cluster agree on the next runs.
 */

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** A checked schedule, with what the API shows about it. */
export interface ScheduleInfo {
  cron: string;
  timezone: string;
  description: string;
  /** ISO instants of the next runs. */
  nextRuns: string[];
}

/** Thrown by {@link describeSchedule}; `errors` name the bad fields. */
export class ScheduleError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'ScheduleError';
  }
}

/** True if `timezone` is an IANA zone this runtime knows. */
export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return timezone.length > 0;
  } catch {
    return false;
  }
}

/** Why `cron` is not a valid 5-field expression or macro; undefined when it is. */
function cronProblem(cron: string): string | undefined {
  const text = cron.trim();
  if (text === '') return 'is empty';
  if (text.startsWith('@')) {
    return MACROS.has(text) ? undefined : `"${text}" is not a known macro (${[...MACROS].join(', ')})`;
  }
  if (/^(CRON_)?TZ=/i.test(text))
    return 'must not set a time zone inside the expression; use the timezone field';
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    return `must have 5 fields (minute hour day-of-month month day-of-week), not ${fields.length}`;
  }
  try {
    new Cron(text, { paused: true, mode: '5-part' });
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^CronPattern:\s*/, '');
  }
}

/** Field errors of a schedule; empty when it is valid. `prefix` names the object, e.g. `body.schedule`. */
export function scheduleErrors(cron: string, timezone: string, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  const problem = cronProblem(cron);
  if (problem) errors.push({ field: `${prefix}.cron`, message: `Invalid cron expression: ${problem}.` });
  if (!isValidTimezone(timezone)) {
    errors.push({
      field: `${prefix}.timezone`,
      message: `Unknown time zone "${timezone}"; use an IANA name such as "Europe/Berlin" or "UTC".`,
    });
  }
  if (errors.length === 0 && nextRuns(cron, timezone, 1).length === 0) {
    errors.push({ field: `${prefix}.cron`, message: 'The cron expression never matches a date.' });
  }
  return errors;
}

/** The next `count` run instants after `from`, in the schedule's zone. */
export function nextRuns(cron: string, timezone: string, count: number, from = new Date()): Date[] {
  return new Cron(cron.trim(), { paused: true, mode: '5-part', timezone }).nextRuns(count, from);
}

/** A readable English description, e.g. "At 02:00 AM". */
export function describeCron(cron: string): string {
  const text = cron.trim();
  if (text.startsWith('@')) {
    const words: Record<string, string> = {
      '@yearly': 'Once a year, at midnight on January 1',
      '@annually': 'Once a year, at midnight on January 1',
      '@monthly': 'At midnight on the first day of every month',
      '@weekly': 'At midnight every Sunday',
      '@daily': 'Every day at midnight',
      '@midnight': 'Every day at midnight',
      '@hourly': 'At the start of every hour',
    };
    return words[text] ?? text;
  }
  return cronstrue.toString(text, { use24HourTimeFormat: true, verbose: false });
}

/**
 * Validates and describes a schedule; throws {@link ScheduleError} naming
 * `<prefix>.cron` / `<prefix>.timezone` when it is invalid.
 */
export function describeSchedule(
  cron: string,
  timezone: string,
  options: { count?: number; prefix?: string; from?: Date } = {},
): ScheduleInfo {
  const errors = scheduleErrors(cron, timezone, options.prefix ?? 'schedule');
  if (errors.length > 0) throw new ScheduleError(errors);
  return {
    cron: cron.trim(),
    timezone,
    description: `${describeCron(cron)} (${timezone})`,
    nextRuns: nextRuns(cron, timezone, options.count ?? 5, options.from).map((d) => d.toISOString()),
  };
}
