import { describe, expect, it } from 'vitest';
import type { NotebookJob, RunRecord } from '../model.js';
import { desiredStatus, statusMergePatch } from './notebook-job-status.js';

const now = new Date('2026-11-28T12:00:00Z');
const base = {
  apiVersion: 'turing.dev/v1alpha1',
  kind: 'NotebookJob',
  metadata: { name: 'j-0a1b2c', generation: 3 },
  spec: { schedule: { cron: '* * * * *', timezone: 'UTC' }, suspend: false },
} as unknown as NotebookJob;
const run = (id: string, state: RunRecord['state'], finishedAt?: string): RunRecord => ({
  id,
  jobObjectName: 'j-0a1b2c',
  job: 'j',
  owner: 'alice',
  state,
  trigger: 'manual',
  attempt: 1,
  createdAt: '2026-11-28T11:00:00Z',
  markers: [],
  ...(finishedAt ? { finishedAt } : {}),
});
const cronJob = {
  metadata: { name: 'j-0a1b2c' },
  status: { lastScheduleTime: '2026-11-28T11:59:00Z' as never },
};

describe('desiredStatus', () => {
  it('reports generation, CronJob, last schedule, newest run and a Ready condition', () => {
    const status = desiredStatus(base, {
      cronJob,
      runs: [run('r2', 'running'), run('r1', 'succeeded', 'x')],
      now,
    });
    expect(status).toEqual({
      observedGeneration: 3,
      cronJob: 'j-0a1b2c',
      lastScheduleTime: '2026-11-28T11:59:00Z',
      lastRun: { id: 'r2', state: 'running' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Reconciled',
          message: 'CronJob scheduled',
          lastTransitionTime: '2026-11-28T12:00:00.000Z',
        },
      ],
    });
  });

  it('keeps the transition time while the condition status holds, and moves it on a change', () => {
    const earlier = '2026-11-01T00:00:00Z';
    const job = {
      ...base,
      status: { conditions: [{ type: 'Ready', status: 'True' as const, lastTransitionTime: earlier }] },
    };
    expect(desiredStatus(job, { runs: [], now }).conditions?.[0]?.lastTransitionTime).toBe(earlier);
    const failing = desiredStatus(job, { runs: [], now, error: 'CronJob invalid' }).conditions?.[0];
    expect(failing).toMatchObject({ status: 'False', reason: 'ReconcileFailed', message: 'CronJob invalid' });
    expect(failing?.lastTransitionTime).toBe(now.toISOString());
  });
});

describe('statusMergePatch', () => {
  it('is undefined when the owned fields already match, whatever the key order or alerts', () => {
    const desired = desiredStatus(base, { cronJob, runs: [run('r1', 'succeeded', 'x')], now });
    const current = {
      alerts: [],
      ...JSON.parse(JSON.stringify(desired)),
      lastRun: { state: 'succeeded', finishedAt: 'x', id: 'r1' },
    };
    expect(statusMergePatch(current, desired)).toBeUndefined();
  });

  it('nulls fields and nested keys that went away, and never touches alerts', () => {
    const current = desiredStatus(base, { cronJob, runs: [run('r1', 'succeeded', 'x')], now });
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
