import type { KubernetesObject, V1Job, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { InformerCache } from '../../k8s/index.js';
import { ANNOTATIONS } from '../../ownership/labels.js';
import { JOB_ANNOTATIONS, JOB_LABELS } from '../naming.js';
import { JOB_NAME_POD_LABEL } from './batch-manifests.js';
import { MissingClaimWatcher } from './missing-claim-watcher.js';

/** The slice of an InformerCache the watcher uses, over a plain map. */
class FakeCache<T extends KubernetesObject> {
  synced = true;
  readonly objects = new Map<string, T>();
  private readonly listeners = new Set<(object: T) => void>();
  list(): T[] {
    return [...this.objects.values()];
  }
  get(name: string): T | undefined {
    return this.objects.get(name);
  }
  on(_event: string, listener: (object: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  put(object: T): void {
    this.objects.set(object.metadata?.name ?? '', object);
    for (const listener of this.listeners) listener(object);
  }
  as(): InformerCache<T> {
    return this as unknown as InformerCache<T>;
  }
}

const RUN = 'daily-0123456789abc-m00000001';
const NOT_FOUND = '0/4 nodes are available: persistentvolumeclaim "claim-bob" not found.';

function runJob(annotations: Record<string, string> = {}, status: V1Job['status'] = {}): V1Job {
  return {
    metadata: {
      name: RUN,
      labels: { [JOB_LABELS.job]: 'daily-0123456789abc', [JOB_LABELS.jobName]: 'daily' },
      annotations: { [ANNOTATIONS.ownerName]: 'bob', ...annotations },
    },
    status,
  };
}

function runPod(message: string): V1Pod {
  return {
    metadata: {
      name: `${RUN}-x7k2p`,
      labels: { [JOB_NAME_POD_LABEL]: RUN, [JOB_LABELS.job]: 'daily-0123456789abc' },
    },
    spec: {
      containers: [{ name: 'runner' }],
      volumes: [{ name: 'home', persistentVolumeClaim: { claimName: 'claim-bob', readOnly: true } }],
    },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
    },
  };
}

function setup(job: V1Job = runJob()) {
  const pods = new FakeCache<V1Pod>();
  const jobs = new FakeCache<V1Job>();
  jobs.put(job);
  const failed: Array<{ runId: string; reason: string }> = [];
  const watcher = new MissingClaimWatcher({
    pods: pods.as(),
    jobs: jobs.as(),
    failRun: (runId, reason) => {
      failed.push({ runId, reason });
      return Promise.resolve();
    },
  });
  return { pods, jobs, failed, watcher };
}

describe('MissingClaimWatcher', () => {
  it('fails the run of a pod whose home claim does not exist, with a reason naming owner and claim', async () => {
    const { pods, failed, watcher } = setup();
    watcher.start();
    pods.put(runPod(NOT_FOUND));
    await watcher.stop();
    expect(failed).toHaveLength(1);
    expect(failed[0]?.runId).toBe(RUN);
    expect(failed[0]?.reason).toContain('bob');
    expect(failed[0]?.reason).toContain('PersistentVolumeClaim "claim-bob", which does not exist');
  });

  it('also fails runs whose pods were already waiting when it started (a new leader)', async () => {
    const { pods, failed, watcher } = setup();
    pods.put(runPod(NOT_FOUND));
    watcher.start();
    await watcher.stop();
    expect(failed.map((f) => f.runId)).toEqual([RUN]);
  });

  it('leaves pods waiting for GPUs, finished runs and runs already being failed alone', () => {
    const waiting = setup();
    waiting.watcher.start();
    waiting.pods.put(runPod('0/4 nodes are available: 4 Insufficient nvidia.com/gpu.'));
    expect(waiting.failed).toEqual([]);

    const finished = setup(runJob({}, { conditions: [{ type: 'Complete', status: 'True' }] }));
    finished.watcher.start();
    finished.pods.put(runPod(NOT_FOUND));
    expect(finished.failed).toEqual([]);

    const marked = setup(runJob({ [JOB_ANNOTATIONS.failure]: 'already' }));
    marked.watcher.start();
    marked.pods.put(runPod(NOT_FOUND));
    expect(marked.failed).toEqual([]);
  });

  it('does nothing once stopped (the Lease went to another replica)', async () => {
    const { pods, failed, watcher } = setup();
    watcher.start();
    await watcher.stop();
    pods.put(runPod(NOT_FOUND));
    expect(failed).toEqual([]);
    expect(watcher.ready()).toBe(true);
  });
});
