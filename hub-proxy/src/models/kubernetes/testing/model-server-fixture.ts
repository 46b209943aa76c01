import type { ModelSpec, ModelVersion } from '../../model.js';
import type { ModelServer } from '../../model-server-schema.js';
import { modelServerObject } from '../model-server-resource.js';

/** Unit-test fixtures: a model version, a spec and its stored ModelServer. */

/** Version `n` of a model in `format`, with plausible files. */
export function versionFixture(n: number, format: ModelVersion['format'] = 'xgboost'): ModelVersion {
  const tensorflow = format === 'tensorflow';
  const files = tensorflow
    ? [
        { path: 'saved_model.pb', sizeBytes: 40_000 },
        { path: 'variables/variables.data-00000-of-00001', sizeBytes: 1_000_000 },
        { path: 'variables/variables.index', sizeBytes: 400 },
      ]
    : [{ path: format === 'sklearn' ? 'model.joblib' : 'model.json', sizeBytes: 2_000_000 }];
  return {
    version: n,
    format,
    ...(tensorflow ? {} : { modelFile: files[0]?.path }),
    files,
    storagePrefix: `users/alice/models/ctr/versions/${n}/`,
    sizeBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
    source: { kind: 'upload', by: 'alice' },
    createdAt: '2026-12-01T10:00:00.000Z',
  };
}

/** An MLServer xgboost model serving version 1, unless `change` says otherwise. */
export function modelSpecFixture(change: Partial<ModelSpec> = {}): ModelSpec {
  return {
    name: 'ctr',
    owner: 'alice',
    runtime: { kind: 'mlserver', version: '1.7.1', gpu: false },
    format: 'xgboost',
    replicas: { min: 2, max: 5 },
    resources: { cpu: '500m', memory: '1Gi', gpu: 0 },
    access: { users: [], groups: [], apiKeys: false },
    apiKeys: [],
    versions: [versionFixture(1), versionFixture(2)],
    traffic: { stable: 1, canaryPercent: 0 },
    disabled: false,
    ...change,
  };
}

/** The ModelServer of `spec` as read from the API (uid, generation). */
export function modelServerFixture(spec: ModelSpec = modelSpecFixture()): ModelServer {
  const object = modelServerObject(spec);
  return {
    ...object,
    metadata: { ...object.metadata, uid: 'uid-ctr', generation: 3, resourceVersion: '42' },
  };
}
