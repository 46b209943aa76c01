import { describe, expect, it } from 'vitest';
import type { NotebookJob, NotebookJobSpec } from '../model.js';
import { createLogger } from '../../observability/logger.js';
import { NOTEBOOK_JOB_NAME_MAX } from '../notebook-job-schema.js';
import { LocalScheduler, scheduledRunId, tickDecision } from './local-scheduler.js';

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

describe('tickDecision', () => {
  it('starts a run when nothing is active, whatever the policy', () => {
    for (const policy of ['allow', 'forbid', 'replace'] as const)
      expect(tickDecision(policy, 0)).toBe('start');
  });

  it('with an active run: allow starts another, forbid skips, replace replaces', () => {
    expect(tickDecision('allow', 1)).toBe('start');
    expect(tickDecision('forbid', 1)).toBe('skip');
    expect(tickDecision('replace', 2)).toBe('replace');
  });
});

describe('scheduledRunId', () => {
  it('gives every tick in the same minute the same id and the next minute another', () => {
    const a = scheduledRunId('daily-abc123', new Date('2030-01-01T02:00:00.000Z'));
    expect(a).toMatch(/^daily-abc123-s[0-9a-z]+$/);
    expect(scheduledRunId('daily-abc123', new Date('2030-01-01T02:00:59.999Z'))).toBe(a);
    expect(scheduledRunId('daily-abc123', new Date('2030-01-01T02:01:00.000Z'))).not.toBe(a);
  });

  it('stays within the 63 characters run ids may use for the longest object name', () => {
    const longest = 'a'.repeat(NOTEBOOK_JOB_NAME_MAX);
    expect(scheduledRunId(longest, new Date('2200-01-01T00:00:00Z')).length).toBeLessThanOrEqual(63);
  });
});

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
