import { describe, expect, it } from 'vitest';
import { describeSchedule, ScheduleError } from './cron.js';
import { ScheduleDescriptions } from './schedule-descriptions.js';

describe('ScheduleDescriptions', () => {
  it('describes a schedule exactly as describeSchedule does at any second of the minute', () => {
    const cache = new ScheduleDescriptions();
    for (const at of ['2030-01-01T02:04:00.000Z', '2030-01-01T02:04:37.250Z', '2030-01-01T02:04:59.999Z']) {
      const now = new Date(at);
      expect(cache.describe('*/5 * * * *', 'Asia/Shanghai', now)).toEqual(
        describeSchedule('*/5 * * * *', 'Asia/Shanghai', { from: now }),
      );
    }
  });

  it('computes a schedule once a minute, and again in the next minute', () => {
    const cache = new ScheduleDescriptions();
    const a = cache.describe('0 3 * * *', 'UTC', new Date('2030-01-01T02:04:01Z'));
    expect(cache.describe('0 3 * * *', 'UTC', new Date('2030-01-01T02:04:50Z'))).toBe(a);
    const next = cache.describe('0 3 * * *', 'UTC', new Date('2030-01-01T03:00:10Z'));
    expect(next).not.toBe(a);
    expect(next.nextRuns[0]).toBe('2030-01-02T03:00:00.000Z');
  });

  it('throws the ScheduleError of an invalid schedule every time it is asked', () => {
    const cache = new ScheduleDescriptions();
    const now = new Date('2030-01-01T02:04:01Z');
    expect(() => cache.describe('* * *', 'UTC', now)).toThrow(ScheduleError);
    expect(() => cache.describe('* * *', 'UTC', now)).toThrow(/5 fields/);
  });

  it('starts over past its size, without giving a wrong answer', () => {
    const cache = new ScheduleDescriptions(2);
    const now = new Date('2030-01-01T02:04:01Z');
    for (const minute of [1, 2, 3, 1]) {
      expect(cache.describe(`${minute} 3 * * *`, 'UTC', now).nextRuns[0]).toBe(
        `2030-01-01T03:0${minute}:00.000Z`,
      );
    }
  });
});
