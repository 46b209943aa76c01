import { describe, expect, it } from 'vitest';
import type { ModelFormat, ModelSpec, ModelVersion } from '../model.js';
import { desiredServing } from './desired-serving.js';

function version(n: number, format: ModelFormat = 'xgboost'): ModelVersion {
  return {
    version: n,
    format,
    files: [{ path: 'model.json', sizeBytes: 10 }],
    storagePrefix: `users/alice/models/ctr/blobs/${n}/`,
    sizeBytes: 10,
    source: { kind: 'upload', by: 'alice' },
    createdAt: '2026-12-01T00:00:00Z',
  };
}

function spec(versions: ModelVersion[], extra: Partial<ModelSpec> = {}): ModelSpec {
  return {
    name: 'ctr',
    owner: 'alice',
    runtime: { kind: 'mlserver', version: '1.7.1', gpu: false },
    format: 'xgboost',
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

describe('desiredServing', () => {
  it('serves nothing for a disabled model or one without traffic', () => {
    expect(desiredServing(spec([version(1)], { disabled: true }))).toMatchObject({
      serve: false,
      phase: 'Disabled',
    });
    const { traffic: _none, ...noTraffic } = spec([version(1)]);
    expect(desiredServing(noTraffic)).toMatchObject({ serve: false, phase: 'Pending' });
  });

  it('serves stable and canary in one process, whatever the canary percentage', () => {
    const ten = desiredServing(
      spec([version(1), version(2)], { traffic: { stable: 2, canary: 1, canaryPercent: 10 } }),
    );
    const fifty = desiredServing(
      spec([version(1), version(2)], { traffic: { stable: 2, canary: 1, canaryPercent: 50 } }),
    );
    expect(ten).toMatchObject({ serve: true, kind: 'mlserver' });
    expect(ten.serve && ten.versions.map((x) => x.version)).toEqual([1, 2]);
    expect(ten.serve && fifty.serve && ten.key === fifty.key).toBe(true);
  });

  it('needs a new process when the versions or the CPUs change', () => {
    const one = desiredServing(spec([version(1), version(2)]));
    const two = desiredServing(spec([version(1), version(2)], { traffic: { stable: 2, canaryPercent: 0 } }));
    const cpus = desiredServing(spec([version(1)], { resources: { cpu: '3', memory: '1', gpu: 0 } }));
    expect(one.serve && two.serve && one.key !== two.key).toBe(true);
    expect(one.serve && cpus.serve && one.key !== cpus.key).toBe(true);
  });

  it('fails with a reason for a missing version or versions of another format', () => {
    expect(desiredServing(spec([version(1)], { traffic: { stable: 3, canaryPercent: 0 } }))).toEqual({
      serve: false,
      phase: 'Failed',
      message: 'Version 3 does not exist.',
    });
    expect(
      desiredServing(
        spec([version(1), version(2, 'sklearn')], { traffic: { stable: 1, canary: 2, canaryPercent: 5 } }),
      ),
    ).toMatchObject({
      serve: false,
      phase: 'Failed',
      message: expect.stringContaining('Version 2 is a sklearn'),
    });
  });

  it('takes the format from the versions when the spec has none yet', () => {
    const { format: _unset, ...noFormat } = spec([version(1, 'sklearn')]);
    expect(desiredServing(noFormat)).toMatchObject({ serve: true, format: 'sklearn', kind: 'mlserver' });
    const { format: _none, ...tf } = spec([version(1, 'tensorflow')]);
    expect(desiredServing(tf)).toMatchObject({ serve: true, kind: 'tfserving-standin' });
  });
});
