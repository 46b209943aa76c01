import type { KubernetesObject, V1CronJob, V1Job, V1Secret } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotebookJob, RunRecord, RunTokens } from '../model.js';
import { JOB_ANNOTATIONS, JOB_LABELS } from '../naming.js';
import type { InformerCache, InformerEventType } from '../../k8s/index.js';
import { RUNNER_TOKEN_KEY, runnerSecretName } from './batch-manifests.js';
import type { JobsKubeApi } from './jobs-kube-api.js';
import { NotebookJobController, type NotebookJobControllerOptions } from './notebook-job-controller.js';

/** The part of InformerCache the controller uses, fed by hand. */
class FakeCache<T extends KubernetesObject> {
  synced = true;
  private readonly objects = new Map<string, T>();
  private readonly listeners = new Map<InformerEventType, Set<(o: T) => void>>();

  get(name: string): T | undefined {
    return this.objects.get(name);
  }

  list(filter: { labelSelector?: Record<string, string> } = {}): T[] {
    const wanted = Object.entries(filter.labelSelector ?? {});
    return [...this.objects.values()].filter((o) => wanted.every(([k, v]) => o.metadata?.labels?.[k] === v));
  }

  on(event: InformerEventType, listener: (o: T) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  put(object: T): void {
    const name = object.metadata?.name ?? '';
    const event = this.objects.has(name) ? 'update' : 'add';
    this.objects.set(name, object);
    for (const listener of this.listeners.get(event) ?? []) listener(object);
  }

  asCache(): InformerCache<T> {
    return this as unknown as InformerCache<T>;
  }
}

const OBJECT = 'nb-0a1b2c';

/** A run's Job as the informer caches it. */
function runJob(id: string, state: 'running' | 'succeeded', markers = ''): V1Job {
  return {
    metadata: {
      name: id,
      labels: { [JOB_LABELS.job]: OBJECT },
      annotations: markers ? { [JOB_ANNOTATIONS.markers]: markers } : {},
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }],
    },
    status: state === 'succeeded' ? { conditions: [{ type: 'Complete', status: 'True' }] } : { active: 1 },
  };
}

const notebookJob = {
  apiVersion: 'turing.dev/v1alpha1',
  kind: 'NotebookJob',
  metadata: { name: OBJECT, uid: 'uid-1', generation: 1 },
  spec: { suspend: false, timeoutSeconds: 600 },
} as unknown as KubernetesObject;

const goodSecret: V1Secret = {
  metadata: { name: runnerSecretName(OBJECT), ownerReferences: [{ uid: 'uid-1' } as never] },
  data: { [RUNNER_TOKEN_KEY]: Buffer.from('good').toString('base64') },
};

/** Tokens whose stored one ("good") expires `goodForSeconds` after setup. */
function fakeTokens(goodForSeconds: number): RunTokens {
  const exp = Math.floor(Date.now() / 1000) + goodForSeconds;
  return {
    issue: () => 'fresh',
    verify: (token) => (token === 'good' ? { job: OBJECT, uid: 'uid-1', owner: '', exp } : undefined),
  };
}

function setup(overrides: Partial<NotebookJobControllerOptions> = {}) {
  const caches = {
    notebookJobs: new FakeCache<KubernetesObject>(),
    jobs: new FakeCache<V1Job>(),
    cronJobs: new FakeCache<V1CronJob>(),
  };
  const api = {
    clients: { objects: { patch: vi.fn(async (body: unknown) => body) }, fieldManager: 'test' },
    secrets: { get: vi.fn(async () => goodSecret) },
    notebookJobs: { mergePatch: vi.fn(async () => ({})) },
    jobs: { mergePatch: vi.fn(async () => ({})) },
    cronJobs: { delete: vi.fn(async () => undefined) },
  };
  const delivered: string[] = [];
  const controller = new NotebookJobController({
    api: api as unknown as JobsKubeApi,
    caches: {
      notebookJobs: caches.notebookJobs.asCache(),
      jobs: caches.jobs.asCache(),
      cronJobs: caches.cronJobs.asCache(),
    },
    // Neither due for renewal nor too long-lived for a 600 s timeout.
    tokens: fakeTokens(2 * 3600),
    listeners: () => [
      async (run: RunRecord, _job: NotebookJob | undefined) => {
        delivered.push(run.id);
      },
    ],
    resyncMs: 1000,
    retryBackoff: { initialMs: 500, factor: 2, maxMs: 30_000, jitter: 0 },
    ...overrides,
  });
  return { controller, caches, api, delivered };
}

describe('NotebookJobController', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is a managed controller named notebookjobs, ready once its three caches are synced', () => {
    const { controller, caches } = setup();
    expect(controller.name).toBe('notebookjobs');
    caches.cronJobs.synced = false;
    expect(controller.ready()).toBe(false);
    caches.cronJobs.synced = true;
    expect(controller.ready()).toBe(true);
  });

  it('delivers an unrecorded finished run once per term on changes, again at each resync and each new term', async () => {
    const { controller, caches, delivered } = setup();
    caches.jobs.put(runJob('r1', 'succeeded'));
    caches.jobs.put(runJob('r2', 'succeeded', 'recorded'));
    caches.jobs.put(runJob('r3', 'running'));
    controller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(delivered).toEqual(['r1']); // the new term catches up at start

    caches.jobs.put(runJob('r1', 'succeeded', 'alerts'));
    caches.jobs.put(runJob('r3', 'succeeded'));
    caches.jobs.put(runJob('r3', 'succeeded', 'alerts'));
    await vi.advanceTimersByTimeAsync(0);
    expect(delivered).toEqual(['r1', 'r3']);

    await vi.advanceTimersByTimeAsync(1000);
    expect(delivered.slice(2).sort()).toEqual(['r1', 'r3']);

    caches.jobs.put(runJob('r1', 'succeeded', 'recorded'));
    await controller.stop();
    caches.jobs.put(runJob('r3', 'succeeded', 'dependents'));
    await vi.advanceTimersByTimeAsync(5000);
    expect(delivered).toHaveLength(4);

    controller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(delivered.slice(4)).toEqual(['r3']);
    await controller.stop();
  });

  it('does not deliver a run again while its delivery is still under way', async () => {
    let release: () => void = () => undefined;
    const calls: string[] = [];
    const { controller, caches } = setup({
      listeners: () => [
        (run) => {
          calls.push(run.id);
          return new Promise<void>((resolve) => (release = resolve));
        },
      ],
    });
    caches.jobs.put(runJob('r1', 'succeeded'));
    controller.start();
    await vi.advanceTimersByTimeAsync(2500); // two resyncs while the first delivery waits
    expect(calls).toEqual(['r1']);
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual(['r1', 'r1']);
    release();
    await controller.stop();
  });

  it('reconciles a job created while no replica led before the full pass over the jobs already reconciled', async () => {
    const { controller, caches, api } = setup();
    const named = (name: string, status?: object) =>
      ({
        ...notebookJob,
        metadata: { ...notebookJob.metadata, name, uid: `uid-${name}` },
        ...(status ? { status } : {}),
      }) as unknown as KubernetesObject;
    for (let i = 0; i < 5; i++) caches.notebookJobs.put(named(`old-${i}`, { observedGeneration: 1 }));
    caches.notebookJobs.put(named('created-meanwhile'));
    const order: string[] = [];
    api.secrets.get.mockImplementation(async (...args: unknown[]) => {
      order.push(String(args[0]));
      return goodSecret;
    });
    controller.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(order.length).toBe(6);
    expect(order[0]).toBe(runnerSecretName('created-meanwhile'));
    await controller.stop();
  });

  it('re-applies every NotebookJob every reapplyEveryResyncs resyncs even if nothing changed', async () => {
    const { controller, caches, api } = setup({ reapplyEveryResyncs: 2 });
    caches.notebookJobs.put(notebookJob);
    controller.start(); // resync 1: first apply
    await vi.advanceTimersByTimeAsync(3500); // resyncs 2 (re-apply), 3, 4 (re-apply)
    expect(api.secrets.get).toHaveBeenCalledTimes(3);
    await controller.stop();
  });

  it('renews the runner token once it gets too short for a run starting then, without waiting for the re-apply', async () => {
    // The stored token has 3 s left beyond a run window (600 s + 600 s grace) and one renewal period.
    const { controller, caches, api } = setup({
      reapplyEveryResyncs: 1000,
      tokens: fakeTokens(600 + 600 + 3600 + 3),
    });
    caches.notebookJobs.put(notebookJob);
    controller.start();
    await vi.advanceTimersByTimeAsync(2500);
    expect(api.secrets.get).toHaveBeenCalledTimes(1);
    expect(api.clients.objects.patch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1500); // the first resync after the renewal time
    expect(api.clients.objects.patch).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: 'Secret',
        data: { [RUNNER_TOKEN_KEY]: Buffer.from('fresh').toString('base64') },
      }),
      undefined,
      undefined,
      'test',
      true,
      expect.anything(),
    );
    await controller.stop();
  });

  it('writes the failure into status and retries a failing NotebookJob with growing delays until it succeeds', async () => {
    const { controller, caches, api } = setup({ resyncMs: 60_000 });
    const at: number[] = [];
    const t0 = Date.now();
    let failures = 2;
    api.secrets.get.mockImplementation(async () => {
      at.push(Date.now() - t0);
      if (failures-- > 0) throw new Error('api down');
      return goodSecret;
    });
    caches.notebookJobs.put(notebookJob);
    controller.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(at).toEqual([0, 500, 1500]);
    const readies = api.notebookJobs.mergePatch.mock.calls.map(
      (call) => (call as unknown[])[1] as { status: { conditions: { status: string; message: string }[] } },
    );
    expect(readies[0]?.status.conditions[0]).toMatchObject({ status: 'False', message: 'api down' });
    expect(readies.at(-1)?.status.conditions[0]).toMatchObject({ status: 'True' });

    // Applied once: a NotebookJob event re-reconciles without re-reading the Secret.
    caches.notebookJobs.put({ ...notebookJob });
    await vi.advanceTimersByTimeAsync(0);
    expect(at).toHaveLength(3);
    await controller.stop();
  });

  it('deletes, orphaning its runs, a CronJob an earlier version made for the job, and no other', async () => {
    const { controller, caches, api } = setup();
    const legacy = (uid: string): V1CronJob => ({
      metadata: {
        name: OBJECT,
        labels: { [JOB_LABELS.job]: OBJECT },
        ownerReferences: [{ apiVersion: 'turing.dev/v1alpha1', kind: 'NotebookJob', name: OBJECT, uid }],
      },
    });
    caches.cronJobs.put(legacy('uid-of-another-object'));
    caches.notebookJobs.put(notebookJob);
    controller.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(api.cronJobs.delete).not.toHaveBeenCalled();
    caches.cronJobs.put(legacy('uid-1'));
    await vi.advanceTimersByTimeAsync(100);
    expect(api.cronJobs.delete).toHaveBeenCalledWith(OBJECT, { propagationPolicy: 'Orphan' });
    await controller.stop();
  });

  it('reports Ready=False for a schedule it cannot read, without retrying', async () => {
    const { controller, caches, api } = setup({ resyncMs: 60_000 });
    const spec = {
      suspend: false,
      timeoutSeconds: 600,
      schedule: { cron: '* * * * *', timezone: 'Mars/Olympus_Mons' },
    };
    caches.notebookJobs.put({ ...notebookJob, spec } as unknown as KubernetesObject);
    controller.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.secrets.get).toHaveBeenCalledTimes(1);
    const patch = api.notebookJobs.mergePatch.mock.calls[0] as unknown[] | undefined;
    expect((patch?.[1] as { status: { conditions: unknown[] } }).status.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'ReconcileFailed',
      message: expect.stringMatching(/Unknown time zone "Mars\/Olympus_Mons"/),
    });
    await controller.stop();
  });
});
