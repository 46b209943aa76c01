import { describe, expect, it } from 'vitest';
import type { NotebookJob, NotebookJobSpec } from '../model.js';
import { createLogger } from '../../observability/logger.js';
import { LocalScheduler } from './local-scheduler.js';

function job(name: string, spec: Partial<NotebookJobSpec>): NotebookJob {
  return {
    apiVersion: 'turing.dev/v1alpha1',
    kind: 'NotebookJob',
    metadata: { name },
    spec: { suspend: false, concurrency: 'forbid', ...spec } as NotebookJobSpec,
  };
}

function scheduler(ticks: string[] = []): LocalScheduler {
  return new LocalScheduler({
    onTick: async (name) => void ticks.push(name),
    logger: createLogger({ level: 'silent' }),
  });
}

describe('LocalScheduler', () => {
  it('schedules a job in its time zone: 02:00 in Asia/Shanghai is 18:00 UTC', () => {
    const s = scheduler();
    s.sync(job('daily', { schedule: { cron: '0 2 * * *', timezone: 'Asia/Shanghai' } }));
    const next = s.nextRun('daily');
    expect(next?.toISOString()).toMatch(/T18:00:00\.000Z$/);
    expect((next?.getTime() ?? 0) - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    s.stop();
  });

  it('does not schedule a suspended job or one without a schedule', () => {
    const s = scheduler();
    s.sync(job('paused', { schedule: { cron: '* * * * *', timezone: 'UTC' }, suspend: true }));
    s.sync(job('on-demand', {}));
    expect(s.scheduled()).toEqual([]);
    expect(s.nextRun('paused')).toBeUndefined();
  });

  it('reschedules when the cron changes and unschedules on suspend and remove', () => {
    const s = scheduler();
    s.sync(job('j', { schedule: { cron: '0 3 * * *', timezone: 'UTC' } }));
    expect(s.nextRun('j')?.toISOString()).toMatch(/T03:00:00\.000Z$/);
    s.sync(job('j', { schedule: { cron: '30 4 * * *', timezone: 'UTC' } }));
    expect(s.nextRun('j')?.toISOString()).toMatch(/T04:30:00\.000Z$/);
    s.sync(job('j', { schedule: { cron: '30 4 * * *', timezone: 'UTC' }, suspend: true }));
    expect(s.scheduled()).toEqual([]);
    s.sync(job('j', { schedule: { cron: '@hourly', timezone: 'UTC' } }));
    expect(s.nextRun('j')?.toISOString()).toMatch(/:00:00\.000Z$/);
    s.remove('j');
    expect(s.nextRun('j')).toBeUndefined();
  });

  it('reads five fields as minute-level cron (no seconds field)', () => {
    const s = scheduler();
    s.sync(job('j', { schedule: { cron: '*/5 * * * *', timezone: 'UTC' } }));
    const next = s.nextRun('j');
    expect(next?.getUTCSeconds()).toBe(0);
    expect((next?.getUTCMinutes() ?? 1) % 5).toBe(0);
    s.stop();
  });

  it('skips a schedule croner cannot read instead of throwing', () => {
    const s = scheduler();
    s.sync(job('bad', { schedule: { cron: 'not a cron', timezone: 'UTC' } }));
    expect(s.scheduled()).toEqual([]);
  });
});
