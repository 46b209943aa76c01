import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { KubeClients, ManagedController } from '../../k8s/index.js';
import { KubernetesJobRuntime } from './kubernetes-job-runtime.js';

/** A runtime over clients that are never called (nothing here reaches a cluster). */
function runtimeWith(registered: ManagedController[]) {
  const clients = { kubeConfig: new KubeConfig(), namespace: 'turing' } as unknown as KubeClients;
  return new KubernetesJobRuntime({
    clients,
    controllers: { register: (controller) => registered.push(controller) },
    tokens: { issue: () => 'token', verify: () => undefined },
    runnerApiUrl: 'http://hub-proxy/',
    gpuProductFor: () => undefined,
  });
}

describe('KubernetesJobRuntime', () => {
  it('registers its NotebookJob controller with the controller registry when constructed', () => {
    const registered: ManagedController[] = [];
    const runtime = runtimeWith(registered);
    expect(registered).toEqual([runtime.controller]);
    expect(runtime.controller.name).toBe('notebookjobs');
    expect(runtime.controller.ready()).toBe(false); // caches not synced yet
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
