import type { Run, RunState } from '@turing/client';

import type { Translate } from './parameters';

/** A duration for people: `45 s`, `3 min 20 s`, `2 h 5 min`. */
export function formatDuration(seconds: number, trans: Translate): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) {
    return m > 0 ? trans.__('%1 h %2 min', h, m) : trans.__('%1 h', h);
  }
  if (m > 0) {
    return s > 0 ? trans.__('%1 min %2 s', m, s) : trans.__('%1 min', m);
  }
  return trans.__('%1 s', s);
}

/**
 * A date and time in a time zone (the viewer's when none is given), medium
 * date and short 24-hour time; the raw text when it is not a date or the zone is unknown.
 */
export function formatDateTime(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  try {
    return new Intl.DateTimeFormat(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
      hourCycle: 'h23',
      ...(timeZone ? { timeZone } : {}),
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

/** Options of {@link formatZonedTime}. */
export interface ZonedTimeOptions {
  /** Now (ms), to leave out the date of a time within the next or last 24 hours. */
  now?: number;
  /** A BCP 47 locale; default the browser's. */
  locale?: string;
}

/**
 * A time in `timeZone` on the 24-hour clock Turing's jobs UI uses
 * everywhere: `02:00` within 24 hours of `now`, else `Dec 2, 02:00` (with
 * the year when it is not `now`'s). The raw text when it is not a date; the
 * UTC time when the zone is unknown. The zone is not included: see
 * {@link formatTimeWithZone}.
 */
export function formatZonedTime(iso: string, timeZone: string, options: ZonedTimeOptions = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  const { now, locale } = options;
  const near = now !== undefined && Math.abs(date.getTime() - now) < 24 * 3600 * 1000;
  const sameYear = now === undefined || new Date(now).getUTCFullYear() === date.getUTCFullYear();
  const format = (zone: string) =>
    new Intl.DateTimeFormat(locale, {
      ...(near ? {} : { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) }),
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: zone,
    }).format(date);
  try {
    return format(timeZone);
  } catch {
    return format('UTC');
  }
}

/** {@link formatZonedTime} labelled with its zone: `02:00 Europe/Berlin`. */
export function formatTimeWithZone(iso: string, timeZone: string, options: ZonedTimeOptions = {}): string {
  return `${formatZonedTime(iso, timeZone, options)} ${timeZone}`;
}

/** The browser's time zone (IANA name), `UTC` when unknown. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

// Type-only imports from @turing/client keep this module free of JupyterLab (and testable in Node).
const ACTIVE_STATES: readonly RunState[] = ['queued', 'running'];

/** Whether a run may still change (queued or running). */
export function isActive(run: Pick<Run, 'state'>): boolean {
  return ACTIVE_STATES.includes(run.state);
}

/** Seconds a run has taken so far, or took; `undefined` before it started. */
export function elapsedSeconds(run: Run, now: number = Date.now()): number | undefined {
  if (typeof run.durationSeconds === 'number') {
    return run.durationSeconds;
  }
  if (!run.startedAt) {
    return undefined;
  }
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  const ms = end - Date.parse(run.startedAt);
  return Number.isFinite(ms) ? Math.max(0, ms / 1000) : undefined;
}
