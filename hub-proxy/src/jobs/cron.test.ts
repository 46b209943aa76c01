import { describe, expect, it } from 'vitest';
import { describeSchedule, nextRuns, ScheduleError, scheduleErrors } from './cron.js';

describe('cron schedules', () => {
  it('rejects a cron with 6 fields', () => {
    const errors = scheduleErrors('0 0 2 * * *', 'UTC', 'body.schedule');
    expect(errors).toEqual([
      { field: 'body.schedule.cron', message: expect.stringContaining('must have 5 fields') },
    ]);
  });

  it('rejects an out-of-range minute and names the field', () => {
    const [error] = scheduleErrors('61 * * * *', 'UTC', 'body.schedule');
    expect(error?.field).toBe('body.schedule.cron');
    expect(error?.message).toMatch(/minute/);
  });

  it('rejects an unknown time zone', () => {
    expect(scheduleErrors('0 2 * * *', 'Mars/Olympus', 'body.schedule')).toEqual([
      { field: 'body.schedule.timezone', message: expect.stringContaining('Unknown time zone') },
    ]);
  });

  it('rejects a schedule that never fires (30 February)', () => {
    expect(scheduleErrors('0 0 30 2 *', 'UTC', 's')[0]?.message).toMatch(/never matches/);
  });

  it('rejects TZ= inside the expression and unknown macros', () => {
    expect(scheduleErrors('TZ=UTC 0 2 * * *', 'UTC', 's')[0]?.message).toMatch(/timezone field/);
    expect(scheduleErrors('@fortnightly', 'UTC', 's')[0]?.message).toMatch(/not a known macro/);
  });

  it('computes the next runs in the schedule time zone', () => {
    const from = new Date('2026-11-28T12:00:00Z');
    const runs = nextRuns('0 2 * * *', 'Asia/Shanghai', 3, from).map((d) => d.toISOString());
    // 02:00 in Shanghai (UTC+8) is 18:00 UTC the day before.
    expect(runs).toEqual([
      '2026-11-28T18:00:00.000Z',
      '2026-11-29T18:00:00.000Z',
      '2026-11-30T18:00:00.000Z',
    ]);
  });

  it('describes a schedule in words with its zone, and macros too', () => {
    const info = describeSchedule('30 9 * * 1-5', 'Europe/Berlin', {
      from: new Date('2026-11-28T00:00:00Z'),
    });
    expect(info.description).toBe('At 09:30, Monday through Friday (Europe/Berlin)');
    expect(info.nextRuns).toHaveLength(5);
    expect(info.nextRuns[0]).toBe('2026-11-30T08:30:00.000Z');
    expect(describeSchedule('@daily', 'UTC').description).toMatch(/Every day at midnight/);
  });

  it('throws a ScheduleError listing every bad field', () => {
    try {
      describeSchedule('bad', 'Nowhere/Else', { prefix: 'query' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ScheduleError);
      expect((err as ScheduleError).errors.map((e) => e.field)).toEqual(['query.cron', 'query.timezone']);
    }
  });
});
