import { describe, expect, it } from 'vitest';

import { JOB_LIMITS } from '../../client/src/job-limits';
import type { ScheduleForm } from './schedule-form';
import {
  createRequest,
  newJobForm,
  validateForm,
  withCron,
  withEnvironment,
  withInterval,
} from './schedule-form';
import { describeSeconds, inFormUnits, maxTimeoutMinutes, timeoutProblem } from './schedule-limits';
import { serverFieldErrors, unplacedErrorLines } from './server-field-errors';
import { DEFAULT_SCHEDULE_SETTINGS } from './settings';
import { environments } from './testing/job-fixture';
import { englishTranslate } from './testing/translate';

const notebook = { path: 'dates.ipynb', content: { nbformat: 4, cells: [] } };

function form(change: Partial<ScheduleForm> = {}): ScheduleForm {
  const base = withEnvironment(
    newJobForm({ path: notebook.path, parameters: [], timezone: 'UTC', settings: DEFAULT_SCHEDULE_SETTINGS }),
    environments[0],
  );
  return { ...base, ...change };
}

const errorsOf = (change: Partial<ScheduleForm>) => validateForm(form(change), englishTranslate, JOB_LIMITS);

describe('timeout and retries in the form units', () => {
  it('rejects a timeout above 7 days, in minutes and days', () => {
    expect(maxTimeoutMinutes(JOB_LIMITS)).toBe(10080);
    expect(errorsOf({ timeoutMinutes: '99999999' })).toEqual({
      timeout: ['Timeout: at most 7 days (10080 minutes).'],
    });
    expect(errorsOf({ timeoutMinutes: '10081' }).timeout).toEqual([
      'Timeout: at most 7 days (10080 minutes).',
    ]);
    expect(errorsOf({ timeoutMinutes: '10080' })).toEqual({});
  });

  it('rejects a timeout that is not a positive number or rounds to no second', () => {
    for (const text of ['', '0', '-5', 'abc', '1e400']) {
      expect(timeoutProblem(text, JOB_LIMITS, englishTranslate), text).toBe(
        'Timeout: enter the minutes a run may take, more than 0.',
      );
    }
    expect(timeoutProblem('0.001', JOB_LIMITS, englishTranslate)).toBe('Timeout: at least 1 second.');
    expect(timeoutProblem('1.5', JOB_LIMITS, englishTranslate)).toBeUndefined();
  });

  it('rejects retries above 10 or not whole', () => {
    for (const text of ['11', '-1', '1.5', '']) {
      expect(errorsOf({ retries: text }).retries, text).toEqual(['Retries: a whole number from 0 to 10.']);
    }
    expect(errorsOf({ retries: '10' })).toEqual({});
  });

  it('says durations in days, hours, minutes or seconds', () => {
    expect(describeSeconds(604_800, englishTranslate)).toBe('7 days (10080 minutes)');
    expect(describeSeconds(86_400, englishTranslate)).toBe('1 day (1440 minutes)');
    expect(describeSeconds(7_200, englishTranslate)).toBe('2 hours (120 minutes)');
    expect(describeSeconds(5_400, englishTranslate)).toBe('90 minutes');
    expect(describeSeconds(30, englishTranslate)).toBe('30 seconds');
  });

  it("says hub-proxy's seconds bound on the timeout in minutes, at the timeout field", () => {
    const refused = [{ field: 'body.timeoutSeconds', message: 'Too big: expected number to be <=604800' }];
    expect(serverFieldErrors(refused, [], englishTranslate)).toEqual({
      timeout: ['Timeout: at most 7 days (10080 minutes).'],
    });
    expect(inFormUnits('timeout', 'Too small: expected number to be >=1', englishTranslate)).toBe(
      'Timeout: at least 1 second.',
    );
    expect(inFormUnits('retries', 'Too big: expected number to be <=10', englishTranslate)).toBe(
      'Retries: at most 10.',
    );
    expect(inFormUnits('cron', 'Too big: expected string to have <=200 characters', englishTranslate)).toBe(
      'Too big: expected string to have <=200 characters',
    );
    // Placed at its field, so the summary does not repeat it in seconds.
    expect(unplacedErrorLines(refused, [])).toEqual([]);
  });

  it('sends the timeout in seconds', () => {
    expect(createRequest(form({ timeoutMinutes: '90' }), notebook).timeoutSeconds).toBe(5400);
    expect(createRequest(form({ timeoutMinutes: '1.5' }), notebook).timeoutSeconds).toBe(90);
  });

  it('caps the number of parameters, dependencies and alerts', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({
      name: `p${i}`,
      type: 'integer' as const,
      text: '1',
    }));
    expect(errorsOf({ parameters: many }).parameters).toEqual(['Parameters: at most 100.']);
    const jobs = Array.from({ length: 21 }, (_, i) => `job-${i}`);
    expect(errorsOf({ dependsOn: jobs }).dependsOn).toEqual(['Run after at most 20 jobs.']);
  });
});

describe('the interval picker on the form', () => {
  it('writes the cron from the picker, and the picker follows a typed cron of its shapes', () => {
    const picked = withInterval(form(), {
      kind: 'weekly',
      every: '1',
      minute: '0',
      time: '02:00',
      days: [1, 4],
    });
    expect(picked.cron).toBe('0 2 * * 1,4');
    const typed = withCron(picked, '15 */2 * * *');
    // The weekdays stay for when the user goes back to weekly.
    expect(typed.interval).toEqual({ kind: 'hours', every: '2', minute: '15', time: '02:00', days: [1, 4] });
    expect(withInterval(typed, { ...typed.interval, kind: 'weekly' }).cron).toBe('0 2 * * 1,4');
    // Another expression switches to custom cron and keeps the text.
    const custom = withCron(typed, '0 2 1 * *');
    expect(custom.interval.kind).toBe('custom');
    expect(custom.cron).toBe('0 2 1 * *');
    // Picking custom keeps the text too, and a chosen custom cron stays custom.
    expect(withInterval(picked, { ...picked.interval, kind: 'custom' }).cron).toBe('0 2 * * 1,4');
    expect(withCron(custom, '*/15 * * * *').interval.kind).toBe('custom');
  });

  it('blocks a scheduled job on a bad picker value, next to the picker field', () => {
    const bad = withInterval(form({ when: 'schedule' }), {
      kind: 'minutes',
      every: '7',
      minute: '0',
      time: '02:00',
      days: [],
    });
    expect(errorsOf(bad)).toEqual({
      intervalEvery: [
        'Every N minutes: one of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30, so the runs are evenly spaced.',
      ],
    });
    // Not scheduled: the picker does not matter.
    expect(errorsOf({ ...bad, when: 'manual' })).toEqual({});
  });
});

describe('parameters kept from the notebook on the form', () => {
  it('opens with no error and sends no value for a non-literal the user did not override', () => {
    const kept = {
      name: 'start',
      type: 'string' as const,
      text: '',
      expression: 'datetime.date(2026, 1, 1)',
    };
    const days = { name: 'days', type: 'integer' as const, text: '7' };
    expect(errorsOf({ parameters: [kept, days] })).toEqual({});
    expect(createRequest(form({ parameters: [kept, days] }), notebook).parameters).toEqual({ days: 7 });
    const overridden = { ...kept, override: true, text: '2026-01-01' };
    expect(createRequest(form({ parameters: [overridden, days] }), notebook).parameters).toEqual({
      start: '2026-01-01',
      days: 7,
    });
    expect(errorsOf({ parameters: [{ ...overridden, text: ' ' }] })).toHaveProperty('parameter:0');
  });
});
