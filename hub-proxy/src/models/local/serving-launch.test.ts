import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelFormat, ModelSpec, ModelVersion } from '../model.js';
import { modelFileOf, prepareLaunch, servingEnvironment } from './serving-launch.js';

function version(n: number, format: ModelFormat, files: string[], modelFile?: string): ModelVersion {
  return {
    version: n,
    format,
    ...(modelFile ? { modelFile } : {}),
    files: files.map((path) => ({ path, sizeBytes: 10 })),
    storagePrefix: `users/alice/models/m/blobs/${n}/`,
    sizeBytes: 10 * files.length,
    source: { kind: 'upload', by: 'alice' },
    createdAt: '2026-12-01T00:00:00Z',
  };
}

function spec(format: ModelFormat, versions: ModelVersion[], extra: Partial<ModelSpec> = {}): ModelSpec {
  return {
    name: 'ctr',
    owner: 'alice',
    runtime: { kind: format === 'tensorflow' ? 'tfserving' : 'mlserver', version: '1', gpu: false },
    format,
    replicas: { min: 1, max: 1 },
    resources: { cpu: '500m', memory: '1Gi', gpu: 0 },
    access: { users: [], groups: [], apiKeys: false },
    apiKeys: [],
    versions,
    traffic: { stable: 1, canaryPercent: 0 },
    disabled: false,
    ...extra,
  };
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'serving-launch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PATHS = {
  mlserverPython: '/venv/bin/python',
  tensorflowPython: '/venv-tf/bin/python',
  standinScript: '/repo/serving/tfserving_standin.py',
};

describe('prepareLaunch', () => {
  it('writes MLServer settings on loopback and one model-settings.json per version, named after the model', async () => {
    const versions = [version(2, 'xgboost', ['model.json'], 'model.json'), version(10, 'xgboost', ['b.ubj'])];
    const processDir = join(dir, 'xgb');
    const plan = await prepareLaunch({
      spec: spec('xgboost', versions),
      format: 'xgboost',
      versions,
      versionsRoot: '/state/versions/ctr',
      dir: processDir,
      port: 4321,
      ...PATHS,
    });
    expect(plan.command).toBe('/venv/bin/python');
    expect(plan.args).toEqual(['/venv/bin/mlserver', 'start', join(processDir, 'repo')]);
    const settings = JSON.parse(await readFile(join(processDir, 'repo', 'settings.json'), 'utf8'));
    expect(settings).toMatchObject({
      host: '127.0.0.1',
      http_port: 4321,
      grpc_port: 0,
      metrics_endpoint: null,
    });
    const ten = JSON.parse(await readFile(join(processDir, 'repo', '10', 'model-settings.json'), 'utf8'));
    expect(ten).toEqual({
      name: 'ctr',
      implementation: 'mlserver_xgboost.XGBoostModel',
      parameters: { uri: '/state/versions/ctr/10/b.ubj', version: '10' },
    });
  });

  it('uses the sklearn runtime for sklearn versions', async () => {
    const versions = [version(1, 'sklearn', ['README.md', 'model.joblib'])];
    const processDir = join(dir, 'sk');
    await prepareLaunch({
      spec: spec('sklearn', versions),
      format: 'sklearn',
      versions,
      versionsRoot: '/v',
      dir: processDir,
      port: 1,
      ...PATHS,
    });
    const one = JSON.parse(await readFile(join(processDir, 'repo', '1', 'model-settings.json'), 'utf8'));
    expect(one.implementation).toBe('mlserver_sklearn.SKLearnModel');
    expect(one.parameters.uri).toBe('/v/1/model.joblib');
  });

  it('starts the TF Serving stand-in on the versions folder for SavedModels', async () => {
    const versions = [
      version(1, 'tensorflow', ['saved_model.pb']),
      version(3, 'tensorflow', ['saved_model.pb']),
    ];
    const plan = await prepareLaunch({
      spec: spec('tensorflow', versions, { resources: { cpu: '2', memory: '1Gi', gpu: 0 } }),
      format: 'tensorflow',
      versions,
      versionsRoot: '/state/versions/ctr',
      dir: join(dir, 'tf'),
      port: 8501,
      ...PATHS,
    });
    expect(plan.command).toBe('/venv-tf/bin/python');
    expect(plan.args).toEqual([
      '/repo/serving/tfserving_standin.py',
      '--model_name=ctr',
      '--model_base_path=/state/versions/ctr',
      '--versions=1,3',
      '--rest_api_port=8501',
      '--host=127.0.0.1',
      '--tensorflow_intra_op_parallelism=2',
    ]);
  });
});

describe('servingEnvironment', () => {
  it('passes none of hub-proxy’s other variables to a serving process', () => {
    process.env.TURING_TEST_SECRET_FOR_LAUNCH = 'hunter2';
    try {
      const env = servingEnvironment(spec('xgboost', []));
      expect(Object.values(env)).not.toContain('hunter2');
      expect(Object.keys(env).sort()).toEqual(
        expect.arrayContaining(['OMP_NUM_THREADS', 'PATH', 'PYTHONUNBUFFERED']),
      );
    } finally {
      delete process.env.TURING_TEST_SECRET_FOR_LAUNCH;
    }
  });

  it('sets OMP_NUM_THREADS to 1 below two CPUs and to the whole CPUs above', () => {
    const cpu = (c: string) =>
      servingEnvironment(spec('xgboost', [], { resources: { cpu: c, memory: '1', gpu: 0 } }));
    expect(cpu('500m').OMP_NUM_THREADS).toBe('1');
    expect(cpu('1').OMP_NUM_THREADS).toBe('1');
    expect(cpu('2500m').OMP_NUM_THREADS).toBe('2');
    expect(cpu('4').OMP_NUM_THREADS).toBe('4');
  });
});

describe('modelFileOf', () => {
  it('names what is expected when a version has no model file', () => {
    expect(() => modelFileOf(version(4, 'xgboost', ['notes.txt']), 'xgboost')).toThrow(
      'Version 4 has no xgboost model file (.json, .ubj, .bst expected).',
    );
  });
});
