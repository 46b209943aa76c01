import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../../errors/testing/rejection.js';
import { describeJobRuntimeContract } from '../job-runtime-contract.js';
import type { RunRecord } from '../model.js';
import { errorKind } from './error-kind.js';
import { InMemoryJobRuntime } from './in-memory-job-runtime.js';
import { notebookJobFixture } from './notebook-job-fixture.js';

describeJobRuntimeContract('in-memory (fake)', async () => {
  const runtime = new InMemoryJobRuntime();
  await runtime.start();
  return {
    runtime,
    makeJob: (owner, jobName) => Promise.resolve(notebookJobFixture(owner, jobName)),
    finishRun: async (runId, outcome) => {
      await runtime.finish(
        runId,
        outcome,
        outcome === 'failed' ? 'ZeroDivisionError: division by zero' : undefined,
      );
    },
    readLagMs: 0,
    runTimeoutMs: 1000,
    cleanup: () => runtime.stop(),
  };
});

describe('InMemoryJobRuntime test drivers', () => {
  async function started() {
    const runtime = new InMemoryJobRuntime();
    await runtime.start();
    const job = await runtime.definitions.create(notebookJobFixture('alice', 'driven'));
    const seen: RunRecord[] = [];
    runtime.onRunFinished(async (run) => {
      seen.push(run);
    });
    return { runtime, job, seen };
  }

  it('finish() ends the run as told and resolves after the listeners ran', async () => {
    const { runtime, job, seen } = await started();
    const run = await runtime.startRun(job, { trigger: 'manual' });
    const done = await runtime.finish(run.id, 'timed_out', 'DeadlineExceeded');
    expect(done).toMatchObject({ state: 'timed_out', reason: 'DeadlineExceeded' });
    expect(seen.map((r) => [r.id, r.state])).toEqual([[run.id, 'timed_out']]);
    expect((await runtime.getRun(run.id))?.finishedAt).toBe(done.finishedAt);
  });

  it('finish() refuses a run that has ended already and a state that is not terminal', async () => {
    const { runtime, job } = await started();
    const run = await runtime.startRun(job, { trigger: 'manual' });
    await expect(runtime.finish(run.id, 'running')).rejects.toThrow(/not a terminal state/);
    await runtime.finish(run.id, 'succeeded');
    await expect(runtime.finish(run.id, 'failed')).rejects.toThrow(/already ended succeeded/);
    expect((await runtime.getRun(run.id))?.state).toBe('succeeded');
  });

  it('redeliver() hands the stored run, markers included, to the listeners again', async () => {
    const { runtime, job, seen } = await started();
    const run = await runtime.startRun(job, { trigger: 'manual' });
    await runtime.finish(run.id, 'failed', 'boom');
    await runtime.claimMarker(run.id, 'alerts');
    await runtime.redeliver(run.id);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ id: run.id, state: 'failed', markers: ['alerts'] });
  });

  it('collects listener errors instead of throwing them at the caller', async () => {
    const { runtime, job } = await started();
    runtime.onRunFinished(() => Promise.reject(new Error('listener broke')));
    const run = await runtime.startRun(job, { trigger: 'manual' });
    await expect(runtime.finish(run.id, 'succeeded')).resolves.toMatchObject({ state: 'succeeded' });
    expect(runtime.listenerErrors).toEqual([expect.objectContaining({ message: 'listener broke' })]);
  });

  it('refuses to start runs before start() and after stop()', async () => {
    const runtime = new InMemoryJobRuntime();
    const job = await runtime.definitions.create(notebookJobFixture('alice', 'idle'));
    expect(errorKind(await rejectionOf(runtime.startRun(job, { trigger: 'manual' })))).toBe('unavailable');
    await runtime.start();
    await runtime.stop();
    expect(errorKind(await rejectionOf(runtime.startRun(job, { trigger: 'manual' })))).toBe('unavailable');
  });

  it('deletes the runs of a deleted definition with it', async () => {
    const { runtime, job } = await started();
    const run = await runtime.startRun(job, { trigger: 'manual' });
    await runtime.definitions.delete(job.metadata.name ?? '');
    expect(await runtime.getRun(run.id)).toBeUndefined();
  });

  it('appends alert deliveries to the job status, bumping its resourceVersion', async () => {
    const { runtime, job } = await started();
    const delivery = {
      run: 'r',
      event: 'failure' as const,
      target: 'http://x',
      delivered: true,
      attempts: 1,
      at: '',
    };
    await runtime.recordAlertDelivery(job.metadata.name ?? '', delivery);
    await runtime.recordAlertDelivery('not-there', delivery);
    const stored = await runtime.definitions.get(job.metadata.name ?? '');
    expect(stored.status?.alerts).toEqual([delivery]);
    expect(stored.metadata.resourceVersion).not.toBe(job.metadata.resourceVersion);
  });
});
