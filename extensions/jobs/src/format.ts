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
 * date and short time; the raw text when it is not a date or the zone is unknown.
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
      ...(timeZone ? { timeZone } : {}),
    }).format(date);
  } catch {
    return date.toISOString();
  }
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
