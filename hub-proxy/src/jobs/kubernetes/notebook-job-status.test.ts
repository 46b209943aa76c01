import { describe, expect, it } from 'vitest';
import type { NotebookJob, RunRecord } from '../model.js';
import { scheduledRunId } from '../schedule-ticks.js';
import { desiredStatus, statusMergePatch } from './notebook-job-status.js';

const now = new Date('2026-11-28T12:00:00Z');
const base = {
  apiVersion: 'turing.dev/v1alpha1',
  kind: 'NotebookJob',
  metadata: { name: 'j-0a1b2c', generation: 3 },
  spec: { schedule: { cron: '* * * * *', timezone: 'UTC' }, suspend: false },
} as unknown as NotebookJob;
const run = (
  id: string,
  state: RunRecord['state'],
  finishedAt?: string,
  trigger: RunRecord['trigger'] = 'manual',
): RunRecord => ({
  id,
  jobObjectName: 'j-0a1b2c',
  job: 'j',
  owner: 'alice',
  state,
  trigger,
  attempt: 1,
  createdAt: '2026-11-28T11:00:00Z',
  markers: [],
  ...(finishedAt ? { finishedAt } : {}),
});
/** A run the ScheduleFirer made for the 11:59 tick (created a little later). */
const tickRun = run(
  scheduledRunId('j-0a1b2c', new Date('2026-11-28T11:59:00Z')),
  'succeeded',
  'x',
  'schedule',
);

describe('desiredStatus', () => {
  it('reports generation, the last tick that made a run, newest run and a Ready condition', () => {
    const status = desiredStatus(base, {
      runs: [run('r2', 'running'), tickRun, run('r1', 'succeeded', 'x')],
      now,
    });
    expect(status).toEqual({
      observedGeneration: 3,
      lastScheduleTime: '2026-11-28T11:59:00.000Z',
      lastRun: { id: 'r2', state: 'running' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Reconciled',
          message: 'Scheduled',
          lastTransitionTime: '2026-11-28T12:00:00.000Z',
        },
      ],
    });
  });

  it("takes an older scheduled run's creation time when its id carries no tick (made by a CronJob)", () => {
    const legacy = {
      ...run('j-0a1b2c-29400000', 'succeeded', 'x', 'schedule'),
      createdAt: '2026-11-20T02:00:04Z',
    };
    expect(desiredStatus(base, { runs: [legacy], now }).lastScheduleTime).toBe('2026-11-20T02:00:04.000Z');
    expect(desiredStatus(base, { runs: [legacy, tickRun], now }).lastScheduleTime).toBe(
      '2026-11-28T11:59:00.000Z',
    );
  });

  it('says the schedule is paused while suspended, and has no last tick without scheduled runs', () => {
    const paused = { ...base, spec: { ...base.spec, suspend: true } } as NotebookJob;
    const status = desiredStatus(paused, { runs: [run('r1', 'succeeded', 'x')], now });
    expect(status.conditions?.[0]?.message).toBe('Schedule paused');
    expect(status).not.toHaveProperty('lastScheduleTime');
  });

  it('keeps the transition time while the condition status holds, and moves it on a change', () => {
    const earlier = '2026-11-01T00:00:00Z';
    const job = {
      ...base,
      status: { conditions: [{ type: 'Ready', status: 'True' as const, lastTransitionTime: earlier }] },
    };
    expect(desiredStatus(job, { runs: [], now }).conditions?.[0]?.lastTransitionTime).toBe(earlier);
    const failing = desiredStatus(job, { runs: [], now, error: 'Secret invalid' }).conditions?.[0];
    expect(failing).toMatchObject({ status: 'False', reason: 'ReconcileFailed', message: 'Secret invalid' });
    expect(failing?.lastTransitionTime).toBe(now.toISOString());
  });
});

describe('statusMergePatch', () => {
  it('is undefined when the owned fields already match, whatever the key order or alerts', () => {
    const desired = desiredStatus(base, { runs: [run('r1', 'succeeded', 'x'), tickRun], now });
    const current = {
      alerts: [],
      ...JSON.parse(JSON.stringify(desired)),
      lastRun: { state: 'succeeded', finishedAt: 'x', id: 'r1' },
    };
    expect(statusMergePatch(current, desired)).toBeUndefined();
  });

  it('nulls fields and nested keys that went away, and never touches alerts', () => {
    const current = {
      ...desiredStatus(base, { runs: [tickRun, run('r1', 'succeeded', 'x')], now }),
      cronJob: 'j-0a1b2c', // written by a version that scheduled with CronJobs
    };
    const onDemand = { ...base, spec: { ...base.spec, schedule: undefined } } as NotebookJob;
    const desired = desiredStatus(onDemand, {
      runs: [run('r2', 'queued'), run('r1', 'succeeded', 'x')],
      now,
    });
    const patch = statusMergePatch({ ...current, alerts: [] }, desired);
    expect(patch?.status).toMatchObject({
      cronJob: null,
      lastScheduleTime: null,
      lastRun: { id: 'r2', state: 'queued', finishedAt: null },
    });
    expect(patch?.status).not.toHaveProperty('alerts');
  });
});
