import type { CreateModelRequest, ModelVersion, ServingRuntime } from '@turing/client';
import { describe, expect, it } from 'vitest';

import { placeServerErrors, publishFieldOf } from './publish-errors';
import type { PublishPlan } from './publish-flow';
import { publishVersion } from './publish-flow';
import {
  createModelRequest,
  defaultRuntime,
  newPublishForm,
  nextVersionOf,
  rolloutOf,
  runtimeKey,
  runtimesFor,
  updateModelPatch,
  validatePublishForm,
  withModelSettings,
  withRuntime,
} from './publish-form';
import { DEFAULT_PUBLISH_SETTINGS, readPanelSettings, readPublishSettings } from './settings';
import { irisModel, irisV2, runtimes } from './testing/model-fixture';
import { englishTranslate as trans } from './testing/translate';

const mlserver = runtimes[2] as ServingRuntime;
const tfGpu = runtimes[1] as ServingRuntime;

describe('the publish form', () => {
  it('offers only the runtimes serving the format and preselects the default', () => {
    expect(runtimesFor(runtimes, 'tensorflow').map((r) => r.label)).toEqual([
      'TF Serving 2.19 (CPU)',
      'TF Serving 2.19 (GPU)',
    ]);
    expect(defaultRuntime(runtimes, 'sklearn')?.label).toBe('MLServer 1.7.1');
    const form = newPublishForm('iris', runtimes, 'xgboost', DEFAULT_PUBLISH_SETTINGS);
    expect(form).toMatchObject({ name: 'iris', runtime: 'mlserver:1.7.1:cpu', replicasMin: '1', gpu: '0' });
  });

  it('builds the create body from a new model form', () => {
    const form = {
      ...newPublishForm('iris', runtimes, 'xgboost', DEFAULT_PUBLISH_SETTINGS),
      replicasMax: '4',
      cpu: ' 500m ',
      access: 'named' as const,
      users: 'bob, carol bob',
      groups: 'data-science',
      apiKeys: true,
    };
    expect(
      validatePublishForm(form, { format: 'xgboost', runtimes: runtimesFor(runtimes, 'xgboost') }, trans),
    ).toEqual({});
    const body: CreateModelRequest = createModelRequest(form, mlserver);
    expect(body).toEqual({
      name: 'iris',
      runtime: { kind: 'mlserver', version: '1.7.1', gpu: false },
      replicas: { min: 1, max: 4 },
      resources: { cpu: '500m', memory: '1Gi', gpu: 0 },
      access: { users: ['bob', 'carol'], groups: ['data-science'], apiKeys: true },
    });
  });

  it('sends no named users when access is only me, whatever was typed', () => {
    const form = { ...newPublishForm('iris', runtimes, 'xgboost', DEFAULT_PUBLISH_SETTINGS), users: 'bob' };
    expect(createModelRequest(form, mlserver).access).toEqual({ users: [], groups: [], apiKeys: false });
  });

  it('marks each invalid field with a reason', () => {
    const form = {
      ...newPublishForm('Iris!', runtimes, 'tensorflow', DEFAULT_PUBLISH_SETTINGS),
      replicasMin: '3',
      replicasMax: '2',
      cpu: 'lots',
      memory: '0',
      gpu: '1',
      access: 'named' as const,
    };
    const errors = validatePublishForm(
      form,
      { format: 'tensorflow', runtimes: runtimesFor(runtimes, 'tensorflow') },
      trans,
    );
    expect(Object.keys(errors).sort()).toEqual(['cpu', 'gpu', 'memory', 'name', 'replicasMax', 'users']);
    expect(errors.replicasMax).toEqual(['At least the minimum (3).']);
    expect(errors.gpu).toEqual(['Choose a GPU runtime to use GPUs.']);
  });

  it('asks a GPU runtime for a GPU and a CPU runtime for none', () => {
    const form = newPublishForm('mnist', runtimes, 'tensorflow', DEFAULT_PUBLISH_SETTINGS);
    const gpu = withRuntime(form, tfGpu);
    expect(gpu).toMatchObject({ runtime: runtimeKey(tfGpu), gpu: '1' });
    expect(withRuntime({ ...gpu, gpu: '2' }, runtimes[0]).gpu).toBe('0');
    const noGpu = { ...gpu, gpu: '0' };
    expect(
      validatePublishForm(
        noGpu,
        { format: 'tensorflow', runtimes: runtimesFor(runtimes, 'tensorflow') },
        trans,
      ).gpu,
    ).toEqual(['A GPU runtime needs at least one GPU.']);
  });

  it('refuses to add a version of another format to an existing model', () => {
    const form = newPublishForm('iris', runtimes, 'tensorflow', DEFAULT_PUBLISH_SETTINGS);
    const errors = validatePublishForm(
      form,
      { format: 'tensorflow', runtimes: runtimesFor(runtimes, 'tensorflow'), existing: irisModel() },
      trans,
    );
    expect(errors.name).toEqual([
      '"iris" serves xgboost models and this is TensorFlow SavedModel: choose another name.',
    ]);
  });

  it('patches only what changed of an existing model, keeping its GPU type', () => {
    const model = irisModel();
    const form = withModelSettings(
      newPublishForm('iris', runtimes, 'xgboost', DEFAULT_PUBLISH_SETTINGS),
      model,
    );
    expect(form).toMatchObject({ access: 'named', users: 'bob', apiKeys: true, replicasMax: '3' });
    expect(updateModelPatch(form, model, mlserver)).toBeNull();
    expect(updateModelPatch({ ...form, users: 'bob carol', replicasMax: '5' }, model, mlserver)).toEqual({
      replicas: { min: 1, max: 5 },
      access: { users: ['bob', 'carol'], groups: [], apiKeys: true },
    });
    const gpuModel = { ...model, resources: { cpu: '1', memory: '1Gi', gpu: 1, gpuType: 't4' } };
    expect(updateModelPatch({ ...form, gpu: '1', memory: '2Gi' }, gpuModel, mlserver)?.resources).toEqual({
      cpu: '1',
      memory: '2Gi',
      gpu: 1,
      gpuType: 't4',
    });
  });

  it('rolls the first version out as the stable one and later ones as chosen', () => {
    const form = newPublishForm('iris', runtimes, 'xgboost', {
      ...DEFAULT_PUBLISH_SETTINGS,
      defaultCanaryPercent: 20,
    });
    expect(rolloutOf(form, undefined)).toEqual({ kind: 'replace' });
    expect(rolloutOf(form, { ...irisModel(), traffic: undefined })).toEqual({ kind: 'replace' });
    expect(rolloutOf(form, irisModel())).toEqual({ kind: 'canary', percent: 20 });
    expect(rolloutOf({ ...form, rollout: 'replace' }, irisModel())).toEqual({ kind: 'replace' });
    expect(rolloutOf({ ...form, rollout: 'none' }, irisModel())).toEqual({ kind: 'none' });
    const errors = validatePublishForm(
      { ...form, canaryPercent: '100' },
      { format: 'xgboost', runtimes, existing: irisModel() },
      trans,
    );
    expect(errors.canaryPercent).toEqual(['A whole percentage from 1 to 99.']);
  });

  it('numbers the next version after the highest one, from 1', () => {
    expect(nextVersionOf(undefined)).toBe(1);
    const v10: ModelVersion = { ...irisV2, version: 10 };
    expect(nextVersionOf({ ...irisModel(), versions: [v10, irisV2] })).toBe(11);
  });

  it('reads settings, falling back to the defaults for bad values', () => {
    expect(
      readPublishSettings({ defaultReplicasMin: 3, defaultReplicasMax: 2, defaultCanaryPercent: 150 }),
    ).toEqual({ ...DEFAULT_PUBLISH_SETTINGS, defaultReplicasMin: 3, defaultReplicasMax: 3 });
    expect(readPanelSettings({ listRefreshSeconds: 0, statsRefreshSeconds: 10, logTailLines: 50 })).toEqual({
      listRefreshSeconds: 3,
      statsRefreshSeconds: 10,
      logTailLines: 50,
    });
  });
});

describe('server errors on the publish form', () => {
  it('places field errors next to their fields and keeps the rest for the summary', () => {
    expect(publishFieldOf('body.replicas.max')).toBe('replicasMax');
    expect(publishFieldOf('body.resources.gpuType')).toBe('gpu');
    expect(publishFieldOf('body.access.groups[0]')).toBe('groups');
    expect(publishFieldOf('body.rollout.percent')).toBe('canaryPercent');
    expect(publishFieldOf('query.user')).toBe('general');
    const placed = placeServerErrors('create', {
      status: 400,
      title: 'Validation Failed',
      errors: [
        { field: 'body.name', message: 'too long' },
        { field: 'body.labels', message: 'unknown' },
      ],
    });
    expect(placed).toEqual({ fields: { name: ['too long'] }, unplaced: ['labels: unknown'] });
  });

  it('puts a taken name on the name field and a refused upload on the files', () => {
    expect(
      placeServerErrors('create', { status: 409, title: 'Conflict', detail: 'iris exists', errors: [] })
        .fields,
    ).toEqual({ name: ['iris exists'] });
    const notAModel = 'Not a model: expected saved_model.pb and variables/.';
    expect(
      placeServerErrors('upload', { status: 422, title: 'Unprocessable', detail: notAModel, errors: [] })
        .fields,
    ).toEqual({ source: [notAModel] });
    // A 409 while uploading (a racing upload) is not about the name.
    expect(placeServerErrors('upload', { status: 409, title: 'Conflict', errors: [] }).fields).toEqual({});
  });
});

describe('publishing a version', () => {
  const files = [{ path: 'model.json', sizeBytes: 4, read: async () => new Blob(['abcd']) }];

  /** A models client recording its calls; `fail` names a method that rejects. */
  function recording(fail?: string) {
    const calls: string[] = [];
    const call =
      (method: string, answer: unknown) =>
      async (...args: unknown[]) => {
        calls.push(
          `${method} ${String(args[0] && typeof args[0] === 'object' ? (args[0] as { name: string }).name : args[0])}`,
        );
        if (method === fail) {
          throw new Error(`${method} refused`);
        }
        return answer;
      };
    const models = {
      create: call('create', irisModel()),
      update: call('update', irisModel()),
      uploadVersion: call('uploadVersion', irisV2),
    };
    return { models: models as unknown as Parameters<typeof publishVersion>[0], calls };
  }

  const plan = (extra: Partial<PublishPlan>): PublishPlan => ({
    name: 'iris',
    files,
    rollout: { kind: 'replace' },
    ...extra,
  });

  it('creates a new model, then uploads its first version', async () => {
    const { models, calls } = recording();
    const create = createModelRequest(
      newPublishForm('iris', runtimes, 'xgboost', DEFAULT_PUBLISH_SETTINGS),
      mlserver,
    );
    await expect(publishVersion(models, plan({ create }))).resolves.toEqual({ ok: true, version: irisV2 });
    expect(calls).toEqual(['create iris', 'uploadVersion iris']);
  });

  it('patches an existing model first only when its settings changed', async () => {
    const { models, calls } = recording();
    await publishVersion(models, plan({}));
    await publishVersion(models, plan({ update: { replicas: { min: 1, max: 5 } } }));
    expect(calls).toEqual(['uploadVersion iris', 'update iris', 'uploadVersion iris']);
  });

  it('says which step was refused and that the model was created before a failed upload', async () => {
    const create = createModelRequest(
      newPublishForm('iris', runtimes, 'xgboost', DEFAULT_PUBLISH_SETTINGS),
      mlserver,
    );
    const refusedCreate = await publishVersion(recording('create').models, plan({ create }));
    expect(refusedCreate).toMatchObject({ ok: false, stage: 'create' });
    expect(refusedCreate).not.toHaveProperty('created');
    const refusedUpload = await publishVersion(recording('uploadVersion').models, plan({ create }));
    expect(refusedUpload).toMatchObject({ ok: false, stage: 'upload', created: { name: 'iris' } });
  });
});
