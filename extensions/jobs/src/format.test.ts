import type { Run } from '@turing/client';
import { describe, expect, it } from 'vitest';

import { summariseDurations } from './chart-scale';
import { formatDateTime, formatTimeWithZone, formatZonedTime } from './format';
import { runFixture } from './testing/run-fixture';

// 01:00 UTC on Dec 2 is 02:00 in Berlin and 20:00 the day before in New York.
const NEXT = '2026-12-02T01:00:00Z';
const NOW = Date.parse('2026-12-01T11:00:00Z');

describe('times in the job zone', () => {
  it("shows a next run in the job's zone, not the viewer's, on the 24-hour clock", () => {
    // The test process zone is not Berlin (UTC on CI; New York checked explicitly below).
    expect(formatZonedTime(NEXT, 'Europe/Berlin', { now: NOW, locale: 'en-US' })).toBe('02:00');
    expect(formatZonedTime(NEXT, 'America/New_York', { now: NOW, locale: 'en-US' })).toBe('20:00');
    expect(formatTimeWithZone(NEXT, 'Europe/Berlin', { now: NOW, locale: 'en-US' })).toBe(
      '02:00 Europe/Berlin',
    );
  });

  it('adds the date beyond 24 hours, and the year when it differs', () => {
    const later = NOW - 3 * 24 * 3600 * 1000;
    expect(formatZonedTime(NEXT, 'Europe/Berlin', { now: later, locale: 'en-US' })).toBe('Dec 2, 02:00');
    const nextYear = Date.parse('2025-06-01T00:00:00Z');
    expect(formatZonedTime(NEXT, 'Europe/Berlin', { now: nextYear, locale: 'en-US' })).toBe(
      'Dec 2, 2026, 02:00',
    );
  });

  it('never uses AM/PM, also at midnight and in the afternoon', () => {
    const text = [
      formatZonedTime('2026-12-01T23:00:00Z', 'Europe/Berlin', { locale: 'en-US' }),
      formatZonedTime('2026-12-01T14:30:00Z', 'Europe/Berlin', { locale: 'en-US' }),
      formatDateTime('2026-12-01T14:30:00Z', 'Europe/Berlin'),
    ];
    expect(text[0]).toBe('Dec 2, 00:00');
    expect(text[1]).toBe('Dec 1, 15:30');
    expect(text.join(' ')).not.toMatch(/AM|PM/);
  });

  it('falls back to UTC for an unknown zone and to the raw text for a non-date', () => {
    expect(formatZonedTime(NEXT, 'Mars/Olympus', { now: NOW, locale: 'en-US' })).toBe('01:00');
    expect(formatZonedTime('soon', 'Europe/Berlin')).toBe('soon');
  });
});

const run = (id: string, state: Run['state'], durationSeconds?: number): Run =>
  runFixture(id, state, { durationSeconds });

describe('duration summary', () => {
  it('summarises a single failed run', () => {
    const summary = summariseDurations([run('r1', 'failed', 12)]);
    expect(summary).toMatchObject({ count: 1, succeeded: 0, medianSeconds: 12 });
    expect(summary?.last.outcome).toBe('failure');
  });

  it('takes the median and the newest finished run, skipping active ones', () => {
    const summary = summariseDurations([
      run('r5', 'running'),
      run('r4', 'succeeded', 40),
      run('r3', 'failed', 10),
      run('r2', 'succeeded', 30),
      run('r1', 'succeeded', 20),
    ]);
    expect(summary).toMatchObject({ count: 4, succeeded: 3, medianSeconds: 25 });
    expect(summary?.last.run.id).toBe('r4');
    expect(summariseDurations([run('q', 'queued')])).toBeUndefined();
  });
});
