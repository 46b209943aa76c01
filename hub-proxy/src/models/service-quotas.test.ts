import { beforeEach, describe, expect, it } from 'vitest';
import { admin, alice } from '../auth/testing/identities.js';
import type { GpuQuota } from '../environments/index.js';
import { rejectionOf } from '../errors/testing/rejection.js';
import { toHttpError } from '../http/error-mapping.js';
import { assertWithinQuota } from '../quotas/index.js';
import { DEFAULT_SERVING_RUNTIMES } from './config.js';
import type { ModelsService, CreateModelInput } from './service.js';
import { modelsServiceFixture } from './testing/models-service-fixture.js';

const model = (name: string, max: number): CreateModelInput => ({
  name,
  runtime: { kind: 'mlserver', version: '1.7.1', gpu: false },
  replicas: { min: 1, max },
  resources: { cpu: '1', memory: '1Gi', gpu: 0 },
  access: { users: [], groups: [], apiKeys: false },
});

describe('ModelsService against the modelReplicas and GPU quotas', () => {
  let service: ModelsService;
  const gpuRequests: number[] = [];

  beforeEach(() => {
    gpuRequests.length = 0;
    const gpuQuota: GpuQuota = {
      maxGpus: () => Promise.resolve(8),
      addHolder: () => undefined,
      usage: () => Promise.reject(new Error('not used')),
      assertWithin: (_user, request) => {
        gpuRequests.push(request.gpus);
        return Promise.resolve(undefined);
      },
    };
    ({ service } = modelsServiceFixture({
      gpuQuota,
      // alice may have 4 replicas in all.
      quotas: {
        assertWithin: (_owner, key, used, request) =>
          Promise.resolve(assertWithinQuota(key, 4, used, request)),
      },
      maxModelsPerUser: 10,
      maxReplicas: 10,
    }));
  });

  it("refuses a create that takes the sum of replicas.max over the owner's enabled models past the quota (403)", async () => {
    await service.create(alice, model('a', 3));
    const err = await rejectionOf(service.create(alice, model('b', 2)));
    expect(toHttpError(err)).toMatchObject({
      status: 403,
      type: 'https://turing.dev/problems/quota-exceeded',
      extensions: { quota: 'modelReplicas', limit: 4, used: 3 },
    });
    expect(toHttpError(err).detail).toMatch(/^Quota modelReplicas exceeded: 3 of 4 model replicas in use/);
    await expect(service.create(alice, model('b', 1))).resolves.toMatchObject({ name: 'b' });
  });

  it('checks raising replicas and enabling a model, never lowering or disabling, for the owner also when an admin acts', async () => {
    await service.create(alice, model('a', 2));
    await service.create(alice, model('b', 2));
    const raise = await rejectionOf(service.patch(admin, 'a', { replicas: { min: 1, max: 3 } }));
    expect(toHttpError(raise)).toMatchObject({
      status: 403,
      extensions: { quota: 'modelReplicas', used: 4 },
    });
    await service.patch(alice, 'b', { disabled: true });
    await service.patch(alice, 'a', { replicas: { min: 1, max: 3 } });
    // b is disabled: enabling it would hold 2 more beside a's 3.
    const enable = await rejectionOf(service.patch(alice, 'b', { disabled: false }));
    expect(toHttpError(enable)).toMatchObject({
      status: 403,
      extensions: { quota: 'modelReplicas', used: 3 },
    });
    await service.patch(alice, 'a', { replicas: { min: 1, max: 1 } });
    await expect(service.patch(alice, 'b', { disabled: false })).resolves.toMatchObject({ disabled: false });
  });

  it('asks the GPU quota for the GPUs an enabled model adds back', async () => {
    const gpuModel: CreateModelInput = {
      ...model('g', 2),
      runtime: { kind: 'tfserving', version: '2.21.0', gpu: true },
      resources: { cpu: '1', memory: '1Gi', gpu: 1 },
    };
    const runtime = DEFAULT_SERVING_RUNTIMES.find((r) => r.kind === 'tfserving' && r.gpu);
    if (!runtime) throw new Error('no GPU TF Serving runtime in the defaults');
    await service.create(alice, {
      ...gpuModel,
      runtime: { kind: 'tfserving', version: runtime.version, gpu: true },
    });
    expect(gpuRequests).toEqual([2]);
    await service.patch(alice, 'g', { disabled: true });
    await service.patch(alice, 'g', { disabled: false });
    expect(gpuRequests).toEqual([2, 2]);
  });
});
