import type { JobLimits } from '@turing/client';

import type { Translate } from './parameters';

/**
 * hub-proxy's bounds on the Schedule form's numbers, said in the units the
 * form uses: the timeout in minutes (hub-proxy counts seconds) and retries.
 * The bounds come from `JOB_LIMITS` of `@turing/client`, passed in so these
 * checks stay pure.
 */

const MINUTE = 60;
const HOUR = 3600;
const DAY = 24 * HOUR;

/** The largest timeout in the form's unit (10080 minutes for 7 days). */
export function maxTimeoutMinutes(limits: JobLimits): number {
  return limits.timeoutMaxSeconds / MINUTE;
}

/** A number of seconds in words: "7 days (10080 minutes)", "2 hours (120 minutes)", "90 minutes", "30 seconds". */
export function describeSeconds(seconds: number, trans: Translate): string {
  const minutes = seconds / MINUTE;
  if (seconds >= DAY && seconds % DAY === 0) {
    const days = seconds / DAY;
    return days === 1
      ? trans.__('1 day (%1 minutes)', minutes)
      : trans.__('%1 days (%2 minutes)', days, minutes);
  }
  if (seconds >= HOUR && seconds % HOUR === 0) {
    const hours = seconds / HOUR;
    return hours === 1
      ? trans.__('1 hour (%1 minutes)', minutes)
      : trans.__('%1 hours (%2 minutes)', hours, minutes);
  }
  if (seconds % MINUTE === 0) {
    return minutes === 1 ? trans.__('1 minute') : trans.__('%1 minutes', minutes);
  }
  return seconds === 1 ? trans.__('1 second') : trans.__('%1 seconds', seconds);
}

/** "Timeout: at most 7 days (10080 minutes)." */
export function timeoutTooLong(maxSeconds: number, trans: Translate): string {
  return trans.__('Timeout: at most %1.', describeSeconds(maxSeconds, trans));
}

/** "Timeout: at least 1 second." */
export function timeoutTooShort(minSeconds: number, trans: Translate): string {
  return trans.__('Timeout: at least %1.', describeSeconds(minSeconds, trans));
}

/** "Retries: a whole number from 0 to 10." */
export function retriesOutOfRange(limits: JobLimits, trans: Translate): string {
  return trans.__('Retries: a whole number from 0 to %1.', limits.retriesMax);
}

/** The timeout typed in minutes as hub-proxy's seconds, or `undefined` when it is not a number. */
export function timeoutSecondsOf(minutesText: string): number | undefined {
  const trimmed = minutesText.trim();
  const minutes = /^(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : NaN;
  return Number.isFinite(minutes) ? Math.round(minutes * MINUTE) : undefined;
}

/** What is wrong with the timeout typed in minutes, in minutes; `undefined` when hub-proxy accepts it. */
export function timeoutProblem(minutesText: string, limits: JobLimits, trans: Translate): string | undefined {
  const seconds = timeoutSecondsOf(minutesText);
  if (seconds === undefined || Number(minutesText.trim()) <= 0) {
    return trans.__('Timeout: enter the minutes a run may take, more than 0.');
  }
  if (seconds > limits.timeoutMaxSeconds) {
    return timeoutTooLong(limits.timeoutMaxSeconds, trans);
  }
  if (seconds < limits.timeoutMinSeconds) {
    return timeoutTooShort(limits.timeoutMinSeconds, trans);
  }
  return undefined;
}

/** What is wrong with the retries as typed; `undefined` when hub-proxy accepts them. */
export function retriesProblem(text: string, limits: JobLimits, trans: Translate): string | undefined {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) && Number(trimmed) <= limits.retriesMax
    ? undefined
    : retriesOutOfRange(limits, trans);
}

/**
 * A server message about a form field, in the field's unit: zod's "Too big:
 * expected number to be <=604800" about `timeoutSeconds` reads "Timeout: at
 * most 7 days (10080 minutes)." Other messages are kept as they are.
 */
export function inFormUnits(field: string, message: string, trans: Translate): string {
  const most = /<=\s*(\d+)/.exec(message);
  const least = /(?<!<)>=\s*(\d+)/.exec(message);
  if (field === 'timeout') {
    if (most) {
      return timeoutTooLong(Number(most[1]), trans);
    }
    if (least) {
      return timeoutTooShort(Number(least[1]), trans);
    }
  }
  if (field === 'retries') {
    if (most) {
      return trans.__('Retries: at most %1.', Number(most[1]));
    }
    if (least) {
      return trans.__('Retries: at least %1.', Number(least[1]));
    }
  }
  return message;
}
