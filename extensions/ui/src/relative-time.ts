import type { TranslationBundle } from '@jupyterlab/translation';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How far `target` is from `now`, in words: "now" within 30 seconds, then
 * "in 3 min" / "3 min ago", "in 14 h" / "14 h ago", "in 2 days" / "2 days ago".
 * Each unit is rounded to the nearest whole one and rolls over to the next
 * (59.6 minutes is "in 1 h"), so the number never reads 60 min or 24 h.
 *
 * @param target - the moment (epoch milliseconds or a `Date`)
 * @param now - the current time in epoch milliseconds (passed in so callers and tests control it)
 * @param trans - the `turing` translation bundle
 */
export function formatRelativeTime(target: number | Date, now: number, trans: TranslationBundle): string {
  const diff = (typeof target === 'number' ? target : target.getTime()) - now;
  const distance = Math.abs(diff);
  const future = diff > 0;
  if (!Number.isFinite(distance)) {
    return '';
  }
  if (distance < 30 * SECOND) {
    return trans.__('now');
  }
  const minutes = Math.max(1, Math.round(distance / MINUTE));
  if (minutes < 60) {
    return future ? trans.__('in %1 min', minutes) : trans.__('%1 min ago', minutes);
  }
  const hours = Math.max(1, Math.round(distance / HOUR));
  if (hours < 24) {
    return future ? trans.__('in %1 h', hours) : trans.__('%1 h ago', hours);
  }
  const days = Math.max(1, Math.round(distance / DAY));
  return future ? trans._n('in %1 day', 'in %1 days', days) : trans._n('%1 day ago', '%1 days ago', days);
}
