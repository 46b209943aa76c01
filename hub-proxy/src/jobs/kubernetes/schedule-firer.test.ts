import type { KubernetesObject, V1Job } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { InformerCache } from '../../k8s/index.js';
import type { NotebookJob, NotebookJobSpec, RunRecord } from '../model.js';
import { scheduledRunId } from '../schedule-ticks.js';
import { notebookJobFixture } from '../testing/notebook-job-fixture.js';
import { ScheduleFirer } from './schedule-firer.js';

/** The slice of an InformerCache the firer uses, over a plain map. */
class FakeCache {
  synced = true;
  readonly objects = new Map<string, KubernetesObject>();
  private readonly listeners = new Map<string, Set<(object: KubernetesObject) => void>>();
  list(): KubernetesObject[] {
    return [...this.objects.values()];
  }
  get(name: string): KubernetesObject | undefined {
    return this.objects.get(name);
  }
  on(event: string, listener: (object: KubernetesObject) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }
  put(object: KubernetesObject): void {
    const event = this.objects.has(object.metadata?.name ?? '') ? 'update' : 'add';
    this.objects.set(object.metadata?.name ?? '', object);
    for (const listener of this.listeners.get(event) ?? []) listener(object);
  }
  as<T extends KubernetesObject>(): InformerCache<T> {
    return this as unknown as InformerCache<T>;
  }
}

/** Runs as the API server keeps them: a second create of one name is refused. */
class FakeRuns {
  readonly runs = new Map<string, RunRecord>();
  creates = 0;
  cancelled: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  refuse = 0;
  async start(job: NotebookJob, runId: string): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.inFlight--;
    if (this.refuse > 0) {
      this.refuse--;
      throw new Error('etcdserver: request timed out');
    }
    if (this.runs.has(runId)) return; // AlreadyExists is success
    this.creates++;
    const name = job.metadata.name ?? '';
    this.runs.set(runId, {
      id: runId,
      jobObjectName: name,
      job: job.spec.jobName,
      owner: 'alice',
      state: 'running',
      trigger: 'schedule',
      attempt: 1,
      createdAt: new Date().toISOString(),
      markers: [],
    });
  }
  of(objectName: string): RunRecord[] {
    return [...this.runs.values()].filter((r) => r.jobObjectName === objectName);
  }
  add(run: Partial<RunRecord> & { id: string; jobObjectName: string }): void {
    this.runs.set(run.id, {
      job: 'x',
      owner: 'alice',
      state: 'running',
      trigger: 'manual',
      attempt: 1,
      createdAt: '2030-01-01T00:00:00Z',
      markers: [],
      ...run,
    });
  }
}

const CREATED = '2030-01-01T00:00:00Z';

function scheduled(jobName: string, spec: Partial<NotebookJobSpec> = {}): NotebookJob {
  const job = notebookJobFixture('alice', jobName, {
    schedule: { cron: '* * * * *', timezone: 'UTC' },
    ...spec,
  });
  job.metadata.creationTimestamp = CREATED as never;
  return job;
}

function setup(options: { now: string; catchUpSeconds?: number; concurrency?: number }) {
  const notebookJobs = new FakeCache();
  const jobs = new FakeCache();
  const runs = new FakeRuns();
  let now = Date.parse(options.now);
  const firer = new ScheduleFirer({
    notebookJobs: notebookJobs.as(),
    jobs: jobs.as<V1Job>(),
    runsOf: (name) => runs.of(name),
    startRun: (job, runId) => runs.start(job, runId),
    cancelRun: async (runId) => {
      runs.cancelled.push(runId);
      const run = runs.runs.get(runId);
      if (run) run.state = 'cancelled';
    },
    now: () => now,
    ...(options.catchUpSeconds !== undefined ? { catchUpSeconds: options.catchUpSeconds } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
  const put = (job: NotebookJob) => notebookJobs.put(job as unknown as KubernetesObject);
  /** Moves the clock to `iso` and handles that boundary, then lets the creates finish. */
  const boundary = async (iso: string) => {
    now = Date.parse(iso);
    firer.handleBoundary();
    await settle();
  };
  return { firer, runs, put, boundary, notebookJobs };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setTimeout(resolve, 2));
}

const TICK = '2030-01-01T02:05:00.000Z';

describe('ScheduleFirer', () => {
  it('starts one run per due job at a boundary, named by job and minute', async () => {
    const { firer, runs, put, boundary } = setup({ now: '2030-01-01T02:04:30Z', catchUpSeconds: 0 });
    put(scheduled('every'));
    put(scheduled('five', { schedule: { cron: '*/5 * * * *', timezone: 'UTC' } }));
    put(scheduled('hourly', { schedule: { cron: '0 * * * *', timezone: 'UTC' } }));
    firer.start();
    await boundary('2030-01-01T02:05:00.010Z');
    const at = new Date(TICK);
    expect([...runs.runs.keys()].sort()).toEqual(
      [scheduled('every'), scheduled('five')].map((j) => scheduledRunId(j.metadata.name ?? '', at)).sort(),
    );
    await firer.stop();
  });

  it('makes one run of a tick that two replicas both handle', async () => {
    const one = setup({ now: '2030-01-01T02:04:30Z', catchUpSeconds: 0 });
    const job = scheduled('every');
    one.put(job);
    const other = new ScheduleFirer({
      notebookJobs: one.notebookJobs.as(),
      jobs: one.notebookJobs.as<V1Job>(),
      runsOf: () => [], // its cache has not seen the first replica's run yet
      startRun: (j, runId) => one.runs.start(j, runId),
      cancelRun: async () => undefined,
      now: () => Date.parse('2030-01-01T02:05:00.020Z'),
      catchUpSeconds: 0,
    });
    one.firer.start();
    other.start();
    await one.boundary('2030-01-01T02:05:00.010Z');
    other.handleBoundary();
    await settle();
    expect(one.runs.creates).toBe(1);
    expect([...one.runs.runs.keys()]).toEqual([scheduledRunId(job.metadata.name ?? '', new Date(TICK))]);
    await Promise.all([one.firer.stop(), other.stop()]);
  });

  it('skips a tick under forbid while a run is active, and replaces it under replace', async () => {
    const { firer, runs, put, boundary } = setup({ now: '2030-01-01T02:04:30Z', catchUpSeconds: 0 });
    const forbid = scheduled('forbid', { concurrency: 'forbid' });
    const replace = scheduled('replace', { concurrency: 'replace' });
    put(forbid);
    put(replace);
    runs.add({ id: 'forbid-active', jobObjectName: forbid.metadata.name ?? '' });
    runs.add({ id: 'replace-active', jobObjectName: replace.metadata.name ?? '' });
    firer.start();
    await boundary('2030-01-01T02:05:00.010Z');
    expect(runs.of(forbid.metadata.name ?? '').map((r) => r.id)).toEqual(['forbid-active']);
    expect(runs.cancelled).toEqual(['replace-active']);
    expect(runs.of(replace.metadata.name ?? '').map((r) => r.id)).toContain(
      scheduledRunId(replace.metadata.name ?? '', new Date(TICK)),
    );
    await firer.stop();
  });

  it('starts nothing for a suspended job, and starts it again once resumed', async () => {
    const { firer, runs, put, boundary } = setup({ now: '2030-01-01T02:04:30Z', catchUpSeconds: 0 });
    put(scheduled('paused', { suspend: true }));
    put({ ...scheduled('on-demand'), spec: { ...scheduled('on-demand').spec, schedule: undefined } });
    firer.start();
    expect(firer.scheduledJobs).toBe(0);
    await boundary('2030-01-01T02:05:00.010Z');
    expect(runs.creates).toBe(0);
    put(scheduled('paused'));
    await boundary('2030-01-01T02:06:00.010Z');
    expect([...runs.runs.keys()]).toEqual([
      scheduledRunId(scheduled('paused').metadata.name ?? '', new Date('2030-01-01T02:06:00Z')),
    ]);
    await firer.stop();
  });

  it('on becoming leader starts the latest missed tick within the catch-up window, once', async () => {
    const { firer, runs, put } = setup({ now: '2030-01-01T02:07:20Z', catchUpSeconds: 300 });
    const missed = scheduled('five', { schedule: { cron: '*/5 * * * *', timezone: 'UTC' } });
    const old = scheduled('daily', { schedule: { cron: '0 1 * * *', timezone: 'UTC' } });
    const young = scheduled('young');
    young.metadata.creationTimestamp = '2030-01-01T02:07:10Z' as never; // after its 02:07 tick
    const done = scheduled('done');
    for (const job of [missed, old, young, done]) put(job);
    runs.add({
      id: scheduledRunId(done.metadata.name ?? '', new Date('2030-01-01T02:07:00Z')),
      jobObjectName: done.metadata.name ?? '',
    });
    firer.start();
    await settle();
    expect([...runs.runs.keys()].sort()).toEqual(
      [
        scheduledRunId(done.metadata.name ?? '', new Date('2030-01-01T02:07:00Z')),
        scheduledRunId(missed.metadata.name ?? '', new Date('2030-01-01T02:05:00Z')),
      ].sort(),
    );
    expect(runs.creates).toBe(1);
    await firer.stop();
  });

  it('retries a create the API server refused, within the tick', async () => {
    const { firer, runs, put, boundary } = setup({ now: '2030-01-01T02:04:30Z', catchUpSeconds: 0 });
    put(scheduled('every'));
    runs.refuse = 1;
    firer.start();
    await boundary('2030-01-01T02:05:00.010Z');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(runs.creates).toBe(1);
    await firer.stop();
  });

  it('creates at most `concurrency` runs at once at a crowded boundary, and all of them', async () => {
    const { firer, runs, put, boundary } = setup({
      now: '2030-01-01T02:04:30Z',
      catchUpSeconds: 0,
      concurrency: 4,
    });
    for (let i = 0; i < 40; i++) put(scheduled(`job-${i}`));
    firer.start();
    await boundary('2030-01-01T02:05:00.010Z');
    expect(runs.creates).toBe(40);
    expect(runs.maxInFlight).toBe(4);
    await firer.stop();
  });

  it('does nothing after stop, even at a boundary', async () => {
    const { firer, runs, put, boundary } = setup({ now: '2030-01-01T02:04:30Z', catchUpSeconds: 0 });
    put(scheduled('every'));
    firer.start();
    await firer.stop();
    await boundary('2030-01-01T02:05:00.010Z');
    expect(runs.creates).toBe(0);
  });
});
