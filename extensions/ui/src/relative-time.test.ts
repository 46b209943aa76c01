import { nullTranslator } from '@jupyterlab/translation';
import { describe, expect, it } from 'vitest';

import { formatRelativeTime } from './relative-time';

const trans = nullTranslator.load('turing');
const now = Date.UTC(2026, 11, 1, 12, 0, 0);
const at = (ms: number): string => formatRelativeTime(now + ms, now, trans);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatRelativeTime', () => {
  it('says "now" within 30 seconds either way', () => {
    expect(at(0)).toBe('now');
    expect(at(29 * SECOND)).toBe('now');
    expect(at(-29 * SECOND)).toBe('now');
    expect(at(30 * SECOND)).toBe('in 1 min');
  });

  it('counts minutes, hours and days into the future', () => {
    expect(at(3 * MINUTE)).toBe('in 3 min');
    expect(at(14 * HOUR)).toBe('in 14 h');
    expect(at(2 * DAY)).toBe('in 2 days');
    expect(at(1 * DAY)).toBe('in 1 day');
  });

  it('counts into the past with "ago"', () => {
    expect(at(-5 * MINUTE)).toBe('5 min ago');
    expect(at(-3 * HOUR)).toBe('3 h ago');
    expect(at(-1 * DAY)).toBe('1 day ago');
    expect(at(-9 * DAY)).toBe('9 days ago');
  });

  it('rolls a rounded 60 min over to hours and 24 h over to days', () => {
    expect(at(59 * MINUTE + 40 * SECOND)).toBe('in 1 h');
    expect(at(23 * HOUR + 40 * MINUTE)).toBe('in 1 day');
  });

  it('accepts a Date', () => {
    expect(formatRelativeTime(new Date(now + 14 * HOUR), now, trans)).toBe('in 14 h');
  });

  it('translates every word through the bundle', () => {
    const calls: string[] = [];
    const spy = {
      ...trans,
      __: (msg: string, ...args: unknown[]) => (calls.push(msg), trans.__(msg, ...(args as string[]))),
      _n: (one: string, many: string, n: number) => (calls.push(one), trans._n(one, many, n)),
    } as typeof trans;
    formatRelativeTime(now, now, spy);
    formatRelativeTime(now + 2 * DAY, now, spy);
    formatRelativeTime(now - 2 * HOUR, now, spy);
    expect(calls).toEqual(['now', 'in %1 day', '%1 h ago']);
  });
});
