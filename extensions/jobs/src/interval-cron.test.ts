import { describe, expect, it } from 'vitest';

import type { IntervalForm } from './interval-cron';
import { defaultInterval, intervalCron, intervalOfCron, intervalProblems } from './interval-cron';

const picker = (change: Partial<IntervalForm>): IntervalForm => ({ ...defaultInterval(), ...change });

describe('interval picker', () => {
  it('every 15 minutes writes */15 * * * *', () => {
    expect(intervalCron(picker({ kind: 'minutes', every: '15' }))).toBe('*/15 * * * *');
    expect(intervalCron(picker({ kind: 'minutes', every: '1' }))).toBe('* * * * *');
  });

  it('every 2 hours at :15 writes 15 */2 * * *', () => {
    expect(intervalCron(picker({ kind: 'hours', every: '2', minute: '15' }))).toBe('15 */2 * * *');
    expect(intervalCron(picker({ kind: 'hours', every: '1', minute: '0' }))).toBe('0 * * * *');
  });

  it('every day at 02:00 writes 0 2 * * *, and every 3 days at 18:30 writes 30 18 */3 * *', () => {
    expect(intervalCron(defaultInterval())).toBe('0 2 * * *');
    expect(intervalCron(picker({ kind: 'days', every: '3', time: '18:30' }))).toBe('30 18 */3 * *');
  });

  it('weekly on Mon and Thu at 02:00 writes 0 2 * * 1,4', () => {
    expect(intervalCron(picker({ kind: 'weekly', days: [4, 1], time: '02:00' }))).toBe('0 2 * * 1,4');
    expect(intervalCron(picker({ kind: 'weekly', days: [1, 2, 3, 4, 5], time: '09:00' }))).toBe(
      '0 9 * * 1-5',
    );
    expect(intervalCron(picker({ kind: 'weekly', days: [0, 1, 2, 4], time: '9:05' }))).toBe('5 9 * * 0-2,4');
  });

  it('rejects N outside the allowed range, and N that would space runs unevenly', () => {
    expect(intervalProblems(picker({ kind: 'minutes', every: '0' }))).toEqual([
      { field: 'every', kind: 'minutes', allowed: [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] },
    ]);
    expect(intervalCron(picker({ kind: 'minutes', every: '60' }))).toBeUndefined();
    expect(intervalCron(picker({ kind: 'minutes', every: '7' }))).toBeUndefined();
    expect(intervalCron(picker({ kind: 'hours', every: '5', minute: '0' }))).toBeUndefined();
    expect(intervalProblems(picker({ kind: 'days', every: '32' }))).toEqual([
      { field: 'every', kind: 'days', max: 31 },
    ]);
    expect(intervalCron(picker({ kind: 'days', every: 'x' }))).toBeUndefined();
  });

  it('rejects a bad time, a bad minute and a week without days', () => {
    expect(intervalProblems(picker({ kind: 'days', time: '24:00' }))).toEqual([{ field: 'time' }]);
    expect(intervalProblems(picker({ kind: 'hours', every: '2', minute: '60' }))).toEqual([
      { field: 'minute' },
    ]);
    expect(intervalProblems(picker({ kind: 'weekly', days: [] }))).toEqual([{ field: 'days' }]);
    expect(intervalProblems(picker({ kind: 'custom', every: 'x', time: '' }))).toEqual([]);
    expect(intervalCron(picker({ kind: 'custom' }))).toBeUndefined();
  });

  it('reads back every shape it writes, so an existing job opens in the picker', () => {
    const shapes: IntervalForm[] = [
      picker({ kind: 'minutes', every: '15' }),
      picker({ kind: 'hours', every: '2', minute: '15' }),
      picker({ kind: 'days', every: '1', time: '02:00' }),
      picker({ kind: 'weekly', days: [1, 4], time: '02:00' }),
      picker({ kind: 'weekly', days: [1, 2, 3, 4, 5], time: '09:00' }),
    ];
    for (const shape of shapes) {
      const cron = intervalCron(shape) ?? '';
      expect(intervalCron(intervalOfCron(cron) ?? picker({ kind: 'custom' }))).toBe(cron);
    }
    expect(intervalOfCron('  0  9 * * 1-5 ')).toMatchObject({
      kind: 'weekly',
      days: [1, 2, 3, 4, 5],
      time: '09:00',
    });
    expect(intervalOfCron('0 2 * * 7')).toMatchObject({ kind: 'weekly', days: [0] });
  });

  it('leaves other expressions to the custom cron field', () => {
    for (const cron of [
      '*/7 * * * *',
      '0 2 1 * *',
      '0 2 * 1 *',
      '0 2 * * MON',
      '@daily',
      '0 2-4 * * *',
      '',
    ]) {
      expect(intervalOfCron(cron)).toBeUndefined();
    }
  });
});
