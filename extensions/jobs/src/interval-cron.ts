/**
 * The Schedule dialog's interval picker, for users who don't know cron:
 * every N minutes, every N hours at a minute, every N days at a time, or
 * weekly on chosen days at a time. Each shape writes one five-field cron
 * expression, and an expression of one of these shapes reads back into it.
 */

/** The shapes the picker offers; `custom` is "type a cron expression". */
export type IntervalKind = 'minutes' | 'hours' | 'days' | 'weekly' | 'custom';

/** Every {@link IntervalKind}, in the order the picker lists them. */
export const INTERVAL_KINDS: readonly IntervalKind[] = ['minutes', 'hours', 'days', 'weekly', 'custom'];

/** The picker as the user set it (numbers as typed). */
export interface IntervalForm {
  kind: IntervalKind;
  /** N of "every N minutes / hours / days". */
  every: string;
  /** The minute past the hour of "every N hours". */
  minute: string;
  /** `HH:MM` of "every N days" and "weekly". */
  time: string;
  /** Weekly: the days, 0 = Sunday ... 6 = Saturday. */
  days: number[];
}

/** The allowed N per kind: the runs must be evenly spaced, so N divides the hour or the day. */
export const INTERVAL_STEPS = {
  minutes: [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30],
  hours: [1, 2, 3, 4, 6, 8, 12],
} as const;

/** The largest N of "every N days" (counted from the 1st of each month, as cron does). */
export const MAX_EVERY_DAYS = 31;

/** A field of the picker a problem is about. */
export type IntervalField = 'every' | 'minute' | 'time' | 'days';

/** What is wrong with the picker's values. */
export type IntervalProblem =
  | { field: 'every'; kind: 'minutes' | 'hours'; allowed: readonly number[] }
  | { field: 'every'; kind: 'days'; max: number }
  | { field: 'minute' }
  | { field: 'time' }
  | { field: 'days' };

/** The picker's start: every day at 02:00 (`0 2 * * *`). */
export function defaultInterval(): IntervalForm {
  return { kind: 'days', every: '1', minute: '0', time: '02:00', days: [1] };
}

const WHOLE = /^\d{1,2}$/;

function parseTime(text: string): { hour: number; minute: number } | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}

function parseMinute(text: string): number | undefined {
  const trimmed = text.trim();
  return WHOLE.test(trimmed) && Number(trimmed) <= 59 ? Number(trimmed) : undefined;
}

/** `1,2,3,5` -> `1-3,5`: runs of three or more days as ranges, as people write them. */
function dayList(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) {
      j += 1;
    }
    const first = sorted[i];
    const last = sorted[j];
    parts.push(j - i >= 2 ? `${first}-${last}` : sorted.slice(i, j + 1).join(','));
    i = j + 1;
  }
  return parts.join(',');
}

/** `*` for N = 1, else `*\/N`. */
function everyField(n: number): string {
  return n === 1 ? '*' : `*/${n}`;
}

/** The problems of the picker's values; empty when it writes a cron (always empty for `custom`). */
export function intervalProblems(form: IntervalForm): IntervalProblem[] {
  const problems: IntervalProblem[] = [];
  const every = WHOLE.test(form.every.trim()) ? Number(form.every.trim()) : NaN;
  if (form.kind === 'minutes' || form.kind === 'hours') {
    const allowed: readonly number[] = INTERVAL_STEPS[form.kind];
    if (!allowed.includes(every)) {
      problems.push({ field: 'every', kind: form.kind, allowed });
    }
  }
  if (form.kind === 'days' && !(every >= 1 && every <= MAX_EVERY_DAYS)) {
    problems.push({ field: 'every', kind: 'days', max: MAX_EVERY_DAYS });
  }
  if (form.kind === 'hours' && parseMinute(form.minute) === undefined) {
    problems.push({ field: 'minute' });
  }
  if ((form.kind === 'days' || form.kind === 'weekly') && !parseTime(form.time)) {
    problems.push({ field: 'time' });
  }
  if (form.kind === 'weekly' && form.days.filter((d) => d >= 0 && d <= 6).length === 0) {
    problems.push({ field: 'days' });
  }
  return problems;
}

/**
 * The cron expression the picker writes, or `undefined` when its values have
 * problems (see {@link intervalProblems}) or it is `custom`.
 */
export function intervalCron(form: IntervalForm): string | undefined {
  if (form.kind === 'custom' || intervalProblems(form).length > 0) {
    return undefined;
  }
  const every = Number(form.every.trim());
  const time = parseTime(form.time) ?? { hour: 0, minute: 0 };
  switch (form.kind) {
    case 'minutes':
      return `${everyField(every)} * * * *`;
    case 'hours':
      return `${parseMinute(form.minute) ?? 0} ${everyField(every)} * * *`;
    case 'days':
      return `${time.minute} ${time.hour} ${everyField(every)} * *`;
    case 'weekly':
      return `${time.minute} ${time.hour} * * ${dayList(form.days.filter((d) => d >= 0 && d <= 6))}`;
  }
}

/** `*` -> 1, `*\/N` -> N, else undefined. */
function stepOf(field: string): number | undefined {
  if (field === '*') {
    return 1;
  }
  const match = /^\*\/(\d{1,2})$/.exec(field);
  return match ? Number(match[1]) : undefined;
}

/** A plain number within `max`, else undefined. */
function plain(field: string, max: number): number | undefined {
  return /^\d{1,2}$/.test(field) && Number(field) <= max ? Number(field) : undefined;
}

/** Days of week of `1,3-5` (7 is Sunday too), or undefined for anything else. */
function daysOf(field: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\d)(?:-(\d))?$/.exec(part);
    const first = Number(match?.[1]);
    const last = Number(match?.[2] ?? match?.[1]);
    if (!match || first > last || last > 7) {
      return undefined;
    }
    for (let d = first; d <= last; d += 1) {
      days.add(d % 7);
    }
  }
  return [...days].sort((a, b) => a - b);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The picker for a cron expression of one of its shapes (so an existing job
 * opens in the picker), or `undefined` for any other expression. Values the
 * shape does not use (the weekdays of "every 2 hours") come from `base`.
 */
export function intervalOfCron(
  expression: string,
  base: IntervalForm = defaultInterval(),
): IntervalForm | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return undefined;
  }
  const [minuteField = '', hourField = '', dayField = '', monthField = '', weekField = ''] = fields;
  if (monthField !== '*') {
    return undefined;
  }
  const candidates: IntervalForm[] = [];
  const minuteStep = stepOf(minuteField);
  if (minuteStep !== undefined && hourField === '*' && dayField === '*' && weekField === '*') {
    candidates.push({ ...base, kind: 'minutes', every: String(minuteStep) });
  }
  const minute = plain(minuteField, 59);
  const hour = plain(hourField, 23);
  const hourStep = stepOf(hourField);
  if (minute !== undefined && hourStep !== undefined && dayField === '*' && weekField === '*') {
    candidates.push({ ...base, kind: 'hours', every: String(hourStep), minute: String(minute) });
  }
  if (minute !== undefined && hour !== undefined) {
    const time = `${pad(hour)}:${pad(minute)}`;
    const dayStep = stepOf(dayField);
    if (dayStep !== undefined && weekField === '*') {
      candidates.push({ ...base, kind: 'days', every: String(dayStep), time });
    }
    const days = dayField === '*' ? daysOf(weekField) : undefined;
    if (days && weekField !== '*') {
      candidates.push({ ...base, kind: 'weekly', time, days });
    }
  }
  // Only a shape the picker writes back the same way (e.g. not every 7 minutes).
  return candidates.find((c) => intervalProblems(c).length === 0);
}
