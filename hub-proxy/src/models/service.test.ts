import { beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../auth/identity.js';
import type { FilesystemArtifactStore } from '../artifacts/index.js';
import { admin, alice, bob } from '../auth/testing/identities.js';
import type { ModelsService, CreateModelInput } from './service.js';
import type { InMemoryModelRuntime } from './testing/in-memory-model-runtime.js';
import { apiKeySecret } from './testing/api-key-secret.js';
import { modelsServiceFixture, permissiveGpuQuota } from './testing/models-service-fixture.js';

const XGB = JSON.stringify({ learner: { objective: 'binary:logistic' }, version: [3, 0, 0] });

const mlserver: CreateModelInput = {
  name: 'ctr',
  runtime: { kind: 'mlserver', version: '1.7.1', gpu: false },
  replicas: { min: 1, max: 2 },
  resources: { cpu: '1', memory: '1Gi', gpu: 0 },
  access: { users: [], groups: [], apiKeys: false },
};

async function* bytes(text: string) {
  yield new TextEncoder().encode(text);
}

describe('ModelsService', () => {
  let runtime: InMemoryModelRuntime;
  let service: ModelsService;
  let artifacts: FilesystemArtifactStore;

  beforeEach(() => {
    ({ service, runtime, artifacts } = modelsServiceFixture({
      gpuQuota: {
        ...permissiveGpuQuota,
        assertWithin: async (_user, request) => {
          if (request.gpus > 1) throw new Error('gpu quota');
          return undefined;
        },
      },
      maxModelsPerUser: 2,
      maxReplicas: 4,
    }));
  });

  async function publish(
    caller: Identity,
    name: string,
    content: string,
    rollout = { kind: 'replace' as const },
  ) {
    const upload = await service.startUpload(caller, name, [
      { path: 'model.json', sizeBytes: content.length },
    ]);
    await service.putUploadFile(caller, name, upload.uploadId, 'model.json', bytes(content));
    return service.commitUpload(caller, name, upload.uploadId, rollout);
  }

  it('numbers versions with integers and the first one takes all traffic', async () => {
    await service.create(alice, mlserver);
    expect((await publish(alice, 'ctr', XGB)).version).toBe(1);
    const v2 = await publish(alice, 'ctr', XGB, { kind: 'canary', percent: 10 } as never);
    expect(v2.version).toBe(2);
    const view = await service.get(alice, 'ctr');
    expect(view.format).toBe('xgboost');
    expect(view.traffic).toEqual({ stable: 1, canary: 2, canaryPercent: 10 });
    expect(view.endpoints.v2).toBe('/services/turing/models/ctr/v2/models/ctr');
  });

  it('promotes a canary and rolls the promotion back', async () => {
    await service.create(alice, mlserver);
    await publish(alice, 'ctr', XGB);
    await publish(alice, 'ctr', XGB, { kind: 'canary', percent: 25 } as never);
    expect((await service.promote(alice, 'ctr')).traffic).toEqual({ stable: 2, canaryPercent: 0 });
    expect((await service.rollBack(alice, 'ctr')).traffic).toEqual({
      stable: 1,
      canary: 2,
      canaryPercent: 25,
    });
    expect((await service.rollBack(alice, 'ctr')).traffic).toEqual({ stable: 1, canaryPercent: 0 });
  });

  it('refuses a canary version that does not exist, naming the versions', async () => {
    await service.create(alice, mlserver);
    await publish(alice, 'ctr', XGB);
    await expect(
      service.setTraffic(alice, 'ctr', { stable: 1, canary: 7, canaryPercent: 5 }),
    ).rejects.toThrow(/no version 7/);
  });

  it('retries a write that lost a race instead of overwriting it', async () => {
    await service.create(alice, mlserver);
    await publish(alice, 'ctr', XGB);
    const original = runtime.update.bind(runtime);
    let raced = false;
    runtime.update = async (spec, rv) => {
      if (!raced) {
        raced = true;
        runtime.bump('ctr');
      }
      return original(spec, rv);
    };
    await publish(alice, 'ctr', XGB);
    expect((await service.versions(alice, 'ctr')).map((v) => v.version)).toEqual([1, 2]);
  });

  it('hides another user’s model as not found and keeps names unique across users', async () => {
    await service.create(alice, mlserver);
    await expect(service.get(bob, 'ctr')).rejects.toThrow(/no model named "ctr"/);
    await expect(service.create(bob, mlserver)).rejects.toThrow(/name "ctr" is taken/);
    expect((await service.get(admin, 'ctr')).owner).toBe('alice');
  });

  it('refuses files of another format than the model serves', async () => {
    await service.create(alice, mlserver);
    await publish(alice, 'ctr', XGB);
    const upload = await service.startUpload(alice, 'ctr', [{ path: 'clf.joblib', sizeBytes: 3 }]);
    await service.putUploadFile(alice, 'ctr', upload.uploadId, 'clf.joblib', bytes('abc'));
    await expect(service.commitUpload(alice, 'ctr', upload.uploadId, { kind: 'replace' })).rejects.toThrow(
      /serves xgboost models; these files are a sklearn model/,
    );
  });

  it('refuses a file longer than announced and an incomplete upload', async () => {
    await service.create(alice, mlserver);
    const upload = await service.startUpload(alice, 'ctr', [{ path: 'model.json', sizeBytes: 4 }]);
    await expect(
      service.putUploadFile(alice, 'ctr', upload.uploadId, 'model.json', bytes(XGB)),
    ).rejects.toThrow(/larger than the 4 bytes announced/);
    await expect(service.commitUpload(alice, 'ctr', upload.uploadId, { kind: 'replace' })).rejects.toThrow(
      /incomplete/,
    );
    expect(await service.versions(alice, 'ctr')).toEqual([]);
  });

  it('publishes a run output once per run and creates the model on first use', async () => {
    await artifacts.put('users/alice/jobs/j/runs/r1/model-output/model.json', new TextEncoder().encode(XGB));
    const request = {
      owner: 'alice',
      job: 'train',
      runId: 'r1',
      model: 'retrained',
      rollout: { kind: 'canary' as const, percent: 20 },
      files: [
        {
          path: 'model.json',
          key: 'users/alice/jobs/j/runs/r1/model-output/model.json',
          sizeBytes: XGB.length,
        },
      ],
    };
    expect(await service.publishRunOutput(request)).toEqual({ version: 1 });
    expect(await service.publishRunOutput(request)).toEqual({ version: 1 });
    const view = await service.get(alice, 'retrained');
    expect(view.runtime.kind).toBe('mlserver');
    expect(view.versions.map((v) => v.source)).toEqual([{ kind: 'job', job: 'train', run: 'r1' }]);
  });

  it('shows a new API key once and matches only its hash afterwards', async () => {
    await service.create(alice, { ...mlserver, access: { users: [], groups: [], apiKeys: true } });
    const created = await service.createApiKey(alice, 'ctr', 'batch scorer');
    expect(created.key).toMatch(/^tmk_[0-9a-f]{16}_/);
    const listed = await service.apiKeys(alice, 'ctr');
    expect(JSON.stringify(listed)).not.toContain(apiKeySecret(created.key));
    await service.revokeApiKey(alice, 'ctr', created.id);
    expect(await service.apiKeys(alice, 'ctr')).toEqual([]);
  });

  it('caps models per user and GPUs by the shared quota', async () => {
    await service.create(alice, mlserver);
    await service.create(alice, { ...mlserver, name: 'two' });
    await expect(service.create(alice, { ...mlserver, name: 'three' })).rejects.toThrow(/2 models, the most/);
    await expect(
      service.create(bob, {
        ...mlserver,
        name: 'gpu',
        runtime: { kind: 'tfserving', version: '2.19.0', gpu: true },
        resources: { cpu: '1', memory: '1Gi', gpu: 1 },
        replicas: { min: 1, max: 2 },
      }),
    ).rejects.toThrow(/gpu quota/);
  });
});
