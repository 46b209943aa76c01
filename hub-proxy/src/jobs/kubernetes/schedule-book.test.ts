import { describe, expect, it } from 'vitest';
import { ScheduleBook } from './schedule-book.js';

const utc = (cron: string) => ({ cron, timezone: 'UTC' });

describe('ScheduleBook', () => {
  it('lists at a minute exactly the jobs whose schedule ticks then', () => {
    const book = new ScheduleBook();
    book.set('every', utc('* * * * *'));
    book.set('five', utc('*/5 * * * *'));
    book.set('hourly', utc('0 * * * *'));
    expect(book.dueAt(new Date('2030-01-01T02:05:00Z')).sort()).toEqual(['every', 'five']);
    expect(book.dueAt(new Date('2030-01-01T03:00:00Z')).sort()).toEqual(['every', 'five', 'hourly']);
    expect(book.dueAt(new Date('2030-01-01T02:07:00Z'))).toEqual(['every']);
  });

  it("reads a schedule in the job's time zone: 02:00 in Asia/Shanghai ticks at 18:00 UTC", () => {
    const book = new ScheduleBook();
    book.set('daily', { cron: '0 2 * * *', timezone: 'Asia/Shanghai' });
    expect(book.dueAt(new Date('2030-01-01T18:00:00Z'))).toEqual(['daily']);
    expect(book.dueAt(new Date('2030-01-01T02:00:00Z'))).toEqual([]);
  });

  it('moves a job to its new schedule and forgets a removed one', () => {
    const book = new ScheduleBook();
    book.set('a', utc('0 * * * *'));
    book.set('a', utc('30 * * * *'));
    expect(book.dueAt(new Date('2030-01-01T02:00:00Z'))).toEqual([]);
    expect(book.dueAt(new Date('2030-01-01T02:30:00Z'))).toEqual(['a']);
    book.set('a', undefined);
    expect(book.has('a')).toBe(false);
    expect(book.size).toBe(0);
    expect(book.dueAt(new Date('2030-01-01T02:30:00Z'))).toEqual([]);
  });

  it('gives the latest tick at or before an instant', () => {
    const book = new ScheduleBook();
    book.set('five', utc('*/5 * * * *'));
    expect(book.latestTick('five', new Date('2030-01-01T02:07:31Z'))?.toISOString()).toBe(
      '2030-01-01T02:05:00.000Z',
    );
    expect(book.latestTick('five', new Date('2030-01-01T02:10:00Z'))?.toISOString()).toBe(
      '2030-01-01T02:10:00.000Z',
    );
    expect(book.latestTick('unknown', new Date())).toBeUndefined();
  });

  it('refuses an expression or time zone croner cannot read, and books nothing for it', () => {
    const book = new ScheduleBook();
    expect(() => book.set('bad', utc('61 * * * *'))).toThrow();
    expect(() => book.set('mars', { cron: '* * * * *', timezone: 'Mars/Olympus_Mons' })).toThrow();
    expect(book.has('bad') || book.has('mars')).toBe(false);
    expect(book.dueAt(new Date('2030-01-01T02:00:00Z'))).toEqual([]);
  });
});
