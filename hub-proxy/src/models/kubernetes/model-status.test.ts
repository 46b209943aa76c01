import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { desiredModelStatus, modelStatusPatch, servingVersionsOf } from './model-status.js';
import { modelServerFixture, modelSpecFixture } from './testing/model-server-fixture.js';

const now = new Date('2026-12-01T12:00:00.000Z');

function pod(name: string, versions: string, ready = true, extra: Partial<V1Pod['status']> = {}): V1Pod {
  return {
    metadata: { name, labels: { 'turing.dev/model': 'ctr', 'turing.dev/model-versions': versions } },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      ...extra,
    },
  };
}

function deployment(status: V1Deployment['status'], replicas = 2, generation = 4): V1Deployment {
  return { metadata: { name: 'model-ctr', generation }, spec: { replicas } as V1Deployment['spec'], status };
}

const rolledOut = { observedGeneration: 4, replicas: 2, updatedReplicas: 2, readyReplicas: 2 };

describe('servingVersionsOf', () => {
  it('counts only Ready, live pods', () => {
    const terminating = pod('c', '3');
    terminating.metadata = { ...terminating.metadata, deletionTimestamp: '2026-12-01T11:00:00Z' as never };
    expect(servingVersionsOf([pod('a', '1.2'), pod('b', '4', false), terminating, pod('d', '2')])).toEqual([
      1, 2,
    ]);
  });
});

describe('desiredModelStatus', () => {
  const server = modelServerFixture(
    modelSpecFixture({ traffic: { stable: 1, canary: 2, canaryPercent: 10 } }),
  );

  it('is Ready once every replica is updated and the wanted versions are served', () => {
    const status = desiredModelStatus(server, {
      deployment: deployment(rolledOut),
      pods: [pod('a', '1.2'), pod('b', '1.2')],
      now,
    });
    expect(status).toEqual({
      phase: 'Ready',
      replicas: 2,
      readyReplicas: 2,
      servingVersions: [1, 2],
      message: 'Serving version(s) 1, 2',
      observedGeneration: 3,
      updatedAt: now.toISOString(),
    });
  });

  it('is Pending while a rollout is under way, saying what still serves', () => {
    const status = desiredModelStatus(server, {
      deployment: deployment({ observedGeneration: 4, replicas: 3, updatedReplicas: 1, readyReplicas: 2 }),
      pods: [pod('a', '1'), pod('b', '1'), pod('c', '1.2', false)],
      now,
    });
    expect(status).toMatchObject({
      phase: 'Pending',
      servingVersions: [1],
      message: 'Rolling out version(s) 1, 2; serving 1',
    });
  });

  it('is Degraded when fewer replicas are ready than wanted', () => {
    const status = desiredModelStatus(server, {
      deployment: deployment({ ...rolledOut, readyReplicas: 1 }),
      pods: [pod('a', '1.2'), pod('b', '1.2', false)],
      now,
    });
    expect(status).toMatchObject({ phase: 'Degraded', message: '1 of 2 replicas ready' });
  });

  it('is Failed when no replica is ready and a container is stuck, naming it', () => {
    const stuck = pod('a', '1.2', false, {
      initContainerStatuses: [
        {
          name: 'fetch-model',
          image: 'python',
          imageID: '',
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
        },
      ],
    });
    const status = desiredModelStatus(server, {
      deployment: deployment({ observedGeneration: 4, replicas: 1, updatedReplicas: 1, readyReplicas: 0 }),
      pods: [stuck],
      now,
    });
    expect(status).toMatchObject({
      phase: 'Failed',
      message: 'pod a container fetch-model: CrashLoopBackOff: back-off 40s',
    });
  });

  it('reports a disabled model, a model without versions and a failed apply as such', () => {
    const disabled = modelServerFixture(modelSpecFixture({ disabled: true }));
    expect(desiredModelStatus(disabled, { pods: [], now }).phase).toBe('Disabled');
    const empty = modelServerFixture(modelSpecFixture({ traffic: undefined }));
    expect(desiredModelStatus(empty, { pods: [], now })).toMatchObject({
      phase: 'Pending',
      message: 'No version published yet',
    });
    expect(desiredModelStatus(server, { pods: [], error: 'forbidden', now })).toMatchObject({
      phase: 'Failed',
      message: 'forbidden',
    });
  });

  it('moves updatedAt only when the status changes, and patches only then', () => {
    const observed = { deployment: deployment(rolledOut), pods: [pod('a', '1.2'), pod('b', '1.2')], now };
    const first = desiredModelStatus(server, observed);
    const stored = { ...server, status: first };
    const later = desiredModelStatus(stored, { ...observed, now: new Date('2026-12-01T13:00:00.000Z') });
    expect(later.updatedAt).toBe(first.updatedAt);
    expect(modelStatusPatch(first, later)).toBeUndefined();
    const changed = desiredModelStatus(stored, {
      ...observed,
      deployment: deployment({ ...rolledOut, readyReplicas: 1 }),
      now: new Date('2026-12-01T13:00:00.000Z'),
    });
    expect(changed.updatedAt).toBe('2026-12-01T13:00:00.000Z');
    expect(modelStatusPatch(first, changed)?.status).toMatchObject({ phase: 'Degraded', readyReplicas: 1 });
  });

  it('removes a message that no longer applies', () => {
    const current = desiredModelStatus(server, { pods: [], error: 'boom', now });
    const next = { ...current, phase: 'Pending' as const, message: undefined };
    delete next.message;
    expect(modelStatusPatch(current, next)?.status.message).toBeNull();
  });
});
