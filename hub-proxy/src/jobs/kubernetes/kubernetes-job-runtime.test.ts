import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { InformerCache, KubeClients, ManagedController } from '../../k8s/index.js';
import { KubernetesJobRuntime } from './kubernetes-job-runtime.js';
import { MissingClaimWatcher } from './missing-claim-watcher.js';

/** A runtime over clients that are never called (nothing here reaches a cluster). */
function runtimeWith(registered: ManagedController[], pods?: InformerCache<V1Pod>) {
  const clients = { kubeConfig: new KubeConfig(), namespace: 'turing' } as unknown as KubeClients;
  return new KubernetesJobRuntime({
    clients,
    controllers: { register: (controller) => registered.push(controller) },
    tokens: { issue: () => 'token', verify: () => undefined },
    runnerApiUrl: 'http://hub-proxy/',
    ...(pods ? { pods } : {}),
  });
}

describe('KubernetesJobRuntime', () => {
  it('registers its NotebookJob controller and schedule firer with the controller registry when constructed', () => {
    const registered: ManagedController[] = [];
    const runtime = runtimeWith(registered);
    expect(registered).toEqual([runtime.controller, runtime.schedules]);
    expect(registered.map((c) => c.name)).toEqual(['notebookjobs', 'schedules']);
    expect(runtime.controller.ready()).toBe(false); // caches not synced yet
    expect(runtime.schedules.ready()).toBe(false);
  });

  it('also registers the watcher of run pods whose claim is missing when given the pods cache', () => {
    const registered: ManagedController[] = [];
    const pods = { synced: false } as unknown as InformerCache<V1Pod>;
    runtimeWith(registered, pods);
    expect(registered.map((c) => c.name)).toEqual(['notebookjobs', 'schedules', 'run-pod-claims']);
    expect(registered[2]).toBeInstanceOf(MissingClaimWatcher);
    expect(registered[2]?.ready()).toBe(false);
  });

  it('stop() also stops a running controller and leaves the caches unsynced, so it is not started again', async () => {
    const runtime = runtimeWith([]);
    runtime.controller.start();
    expect(runtime.controller.isRunning).toBe(true);
    await runtime.stop();
    expect(runtime.controller.isRunning).toBe(false);
    expect(runtime.controller.ready()).toBe(false);
    await runtime.controller.stop(); // the manager's own stop afterwards is harmless
  });
});
