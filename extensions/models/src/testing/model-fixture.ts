import type { ModelVersion, ModelView, ServingRuntime } from '@turing/client';

/** The serving runtime catalog as `GET /api/v1/models/runtimes` lists it. */
export const runtimes: ServingRuntime[] = [
  {
    kind: 'tfserving',
    version: '2.19.0',
    gpu: false,
    label: 'TF Serving 2.19 (CPU)',
    formats: ['tensorflow'],
    default: true,
  },
  {
    kind: 'tfserving',
    version: '2.19.0',
    gpu: true,
    label: 'TF Serving 2.19 (GPU)',
    formats: ['tensorflow'],
    default: false,
  },
  {
    kind: 'mlserver',
    version: '1.7.1',
    gpu: false,
    label: 'MLServer 1.7.1',
    formats: ['xgboost', 'sklearn'],
    default: true,
  },
];

/** Version 1 of the xgboost `iris` model: four FP32 features. */
export const irisV1: ModelVersion = {
  version: 1,
  format: 'xgboost',
  modelFile: 'model.json',
  files: [{ path: 'model.json', sizeBytes: 2048 }],
  sizeBytes: 2048,
  signature: {
    name: 'predict',
    inputs: [{ name: 'input-0', dtype: 'FP32', shape: [-1, 4] }],
    outputs: [{ name: 'predict', dtype: 'FP32', shape: [-1, 3] }],
  },
  source: { kind: 'upload', by: 'alice' },
  createdAt: '2026-11-30T10:00:00Z',
};

/** Version 2, from a scheduled retraining run. */
export const irisV2: ModelVersion = {
  ...irisV1,
  version: 2,
  source: { kind: 'job', job: 'retrain-iris', run: 'retrain-iris-29001' },
  createdAt: '2026-12-01T02:00:00Z',
};

/** The `iris` model: v1 stable, v2 a 10 % canary, ready. */
export function irisModel(): ModelView {
  return {
    name: 'iris',
    owner: 'alice',
    runtime: { kind: 'mlserver', version: '1.7.1', gpu: false },
    format: 'xgboost',
    replicas: { min: 1, max: 3 },
    resources: { cpu: '1', memory: '1Gi', gpu: 0 },
    access: { users: ['bob'], groups: [], apiKeys: true },
    apiKeys: [{ id: 'k1', label: 'ci', createdAt: '2026-11-30T11:00:00Z' }],
    versions: [irisV1, irisV2],
    traffic: { stable: 1, canary: 2, canaryPercent: 10 },
    previousTraffic: { stable: 1, canaryPercent: 0 },
    disabled: false,
    status: {
      phase: 'Ready',
      replicas: 2,
      readyReplicas: 2,
      servingVersions: [1, 2],
      updatedAt: '2026-12-01T02:01:00Z',
    },
    endpoints: {
      v1: '/services/turing/models/iris/v1/models/iris',
      v2: '/services/turing/models/iris/v2/models/iris',
      apiKeyBase: 'http://turing-hub-proxy.turing.svc:8082/models/iris',
    },
    createdAt: '2026-11-30T10:00:00Z',
    resourceVersion: '42',
  };
}

/** A Keras SavedModel version: one `DT_FLOAT` input of shape `[-1, 28, 28]`. */
export const mnistV1: ModelVersion = {
  version: 1,
  format: 'tensorflow',
  files: [
    { path: 'saved_model.pb', sizeBytes: 90_000 },
    { path: 'variables/variables.index', sizeBytes: 1_000 },
    { path: 'variables/variables.data-00000-of-00001', sizeBytes: 400_000 },
  ],
  sizeBytes: 491_000,
  signature: {
    name: 'serving_default',
    inputs: [{ name: 'keras_tensor', dtype: 'DT_FLOAT', shape: [-1, 28, 28] }],
    outputs: [{ name: 'output_0', dtype: 'DT_FLOAT', shape: [-1, 10] }],
  },
  source: { kind: 'upload', by: 'alice' },
  createdAt: '2026-11-30T12:00:00Z',
};

/** The `mnist` TF Serving model, pending its first replica. */
export function mnistModel(): ModelView {
  return {
    ...irisModel(),
    name: 'mnist',
    runtime: { kind: 'tfserving', version: '2.19.0', gpu: false },
    format: 'tensorflow',
    access: { users: [], groups: [], apiKeys: false },
    apiKeys: [],
    versions: [mnistV1],
    traffic: { stable: 1, canaryPercent: 0 },
    previousTraffic: undefined,
    status: { phase: 'Pending', replicas: 1, readyReplicas: 0, servingVersions: [] },
    endpoints: {
      v1: '/services/turing/models/mnist/v1/models/mnist',
      v2: '/services/turing/models/mnist/v2/models/mnist',
    },
  };
}
