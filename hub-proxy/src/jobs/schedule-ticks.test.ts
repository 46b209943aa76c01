import { describe, expect, it } from 'vitest';
import { NOTEBOOK_JOB_NAME_MAX } from './notebook-job-schema.js';
import { scheduledRunId, scheduledRunTime, tickDecision } from './schedule-ticks.js';

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

describe('scheduledRunTime', () => {
  it('reads back the minute a scheduled run id stands for', () => {
    const at = new Date('2030-01-01T02:07:00.000Z');
    expect(scheduledRunTime('daily-abc123', scheduledRunId('daily-abc123', at))?.toISOString()).toBe(
      at.toISOString(),
    );
  });

  it("says undefined for a manual run id or another job's scheduled run", () => {
    const other = scheduledRunId('daily-abc123', new Date('2030-01-01T02:07:00Z'));
    expect(scheduledRunTime('weekly-abc123', other)).toBeUndefined();
    expect(scheduledRunTime('daily-abc123', 'daily-abc123-m4k2x9q')).toBeUndefined();
    expect(scheduledRunTime('daily-abc123', 'daily-abc123-s')).toBeUndefined();
  });
});
