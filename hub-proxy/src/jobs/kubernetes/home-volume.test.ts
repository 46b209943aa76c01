import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { notebookJobFixture } from '../testing/notebook-job-fixture.js';
import { homeClaimName, homeMount, missingClaimOf } from './home-volume.js';

const settings = { claimNameTemplate: 'claim-{username}', mountPath: '/home/jovyan', readOnly: true };

const ownedBy = (name: string) => notebookJobFixture(name, 'daily');

/** A run pod the scheduler left Pending with `message`, mounting `claim`. */
function pendingPod(message: string, claim = 'claim-bob', reason = 'Unschedulable'): V1Pod {
  return {
    metadata: { name: 'run-1-abcde' },
    spec: {
      containers: [{ name: 'runner' }],
      volumes: [{ name: 'home', persistentVolumeClaim: { claimName: claim, readOnly: true } }],
    },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason, message }],
    },
  };
}

describe('homeMount', () => {
  it('names the claim after the owner’s raw hub name, as KubeSpawner does', () => {
    expect(homeClaimName(ownedBy('bob'), settings)).toBe('claim-bob');
    expect(homeClaimName(ownedBy('Bob'), settings)).toBe('claim-bob---cd9fb1e1');
    expect(homeMount(ownedBy('bob'), settings)).toEqual({
      claimName: 'claim-bob',
      volume: { name: 'home', persistentVolumeClaim: { claimName: 'claim-bob', readOnly: true } },
      mount: { name: 'home', mountPath: '/home/jovyan', readOnly: true },
      env: [{ name: 'JUPYTER_PATH', value: '/home/jovyan/.local/share/jupyter' }],
    });
  });

  it('refuses a job without an owner rather than mounting someone’s home', () => {
    const job = ownedBy('bob');
    expect(() => homeMount({ ...job, metadata: { ...job.metadata, annotations: {} } }, settings)).toThrow(
      /no owner annotation/,
    );
  });
});

describe('missingClaimOf', () => {
  const notFound =
    '0/4 nodes are available: persistentvolumeclaim "claim-bob" not found. preemption: 0/4 nodes are available.';

  it('finds the claim a pending pod can never get', () => {
    expect(missingClaimOf(pendingPod(notFound))).toBe('claim-bob');
  });

  it('ignores pods waiting for anything else, or for a claim they do not mount', () => {
    expect(
      missingClaimOf(pendingPod('0/4 nodes are available: 4 Insufficient nvidia.com/gpu.')),
    ).toBeUndefined();
    expect(missingClaimOf(pendingPod(notFound, 'claim-other'))).toBeUndefined();
    expect(missingClaimOf(pendingPod(notFound, 'claim-bob', 'SchedulerError'))).toBeUndefined();
    const running = pendingPod(notFound);
    running.status = { ...running.status, phase: 'Running' };
    expect(missingClaimOf(running)).toBeUndefined();
    const deleting = pendingPod(notFound);
    deleting.metadata = { ...deleting.metadata, deletionTimestamp: new Date() };
    expect(missingClaimOf(deleting)).toBeUndefined();
  });
});
