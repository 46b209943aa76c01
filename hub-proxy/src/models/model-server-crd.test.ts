import { describe, expect, it } from 'vitest';
import { modelRecordOf, modelServerObject } from './kubernetes/model-server-resource.js';
import { modelSpecFixture, versionFixture } from './kubernetes/testing/model-server-fixture.js';
import { modelServerCrd } from './model-server-crd.js';
import { modelServerSchema } from './model-server-schema.js';

type Node = Record<string, unknown> & { properties?: Record<string, Node> };

function child(node: Node, name: string): Node {
  const found = node.properties?.[name];
  if (!found) throw new Error(`no property ${name}`);
  return found;
}

const crd = modelServerCrd() as {
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string; plural: string; shortNames: string[] };
    versions: [{ name: string; subresources?: unknown; schema: { openAPIV3Schema: Node } }];
  };
};
const [version] = crd.spec.versions;
const root = version.schema.openAPIV3Schema;
const spec = child(root, 'spec');

describe('the ModelServer CRD', () => {
  it('is turing.dev/v1alpha1 ModelServer (modelservers, msrv) with a status subresource', () => {
    expect(crd.metadata.name).toBe('modelservers.turing.dev');
    expect(crd.spec.names).toMatchObject({
      kind: 'ModelServer',
      plural: 'modelservers',
      shortNames: ['msrv'],
    });
    expect(version.name).toBe('v1alpha1');
    expect(version.subresources).toEqual({ status: {} });
  });

  it('ties the object name to the model name and checks traffic and replicas with CEL', () => {
    expect(root['x-kubernetes-validations']).toEqual([
      {
        rule: "self.metadata.name == 'model-' + self.spec.name",
        message: 'metadata.name must be model-<spec.name>',
      },
    ]);
    expect(child(spec, 'traffic')['x-kubernetes-validations']).toHaveLength(2);
    expect(child(spec, 'replicas')['x-kubernetes-validations']).toEqual([
      { rule: 'self.max >= self.min', message: 'max must be >= min' },
    ]);
    expect(child(spec, 'name')).toMatchObject({
      maxLength: 40,
      pattern: '^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$',
    });
  });
});

describe('ModelServer objects', () => {
  it('store a ModelSpec and give it back unchanged, with empty status until reconciled', () => {
    const modelSpec = modelSpecFixture({
      versions: [
        versionFixture(1),
        { ...versionFixture(2), source: { kind: 'job', job: 'daily', run: 'daily-m1' } },
      ],
      traffic: { stable: 1, canary: 2, canaryPercent: 12.5 },
      previousTraffic: { stable: 1, canaryPercent: 0 },
      autoscaleOnRequestRate: { targetPerReplica: 40 },
    });
    const object = modelServerObject(modelSpec, '17');
    expect(modelServerSchema.parse(object)).toEqual(object);
    expect(object.metadata).toMatchObject({
      name: 'model-ctr',
      resourceVersion: '17',
      labels: {
        'turing.dev/model': 'ctr',
        'turing.dev/owner': 'alice',
        'app.kubernetes.io/part-of': 'turing',
      },
      annotations: { 'turing.dev/owner-name': 'alice' },
    });
    const record = modelRecordOf({
      ...object,
      metadata: { ...object.metadata, uid: 'u1', creationTimestamp: '2026-12-01T10:00:00Z' },
    });
    expect(record).toEqual({
      spec: modelSpec,
      status: { phase: 'Pending', replicas: 0, readyReplicas: 0, servingVersions: [] },
      resourceVersion: '17',
      uid: 'u1',
      createdAt: '2026-12-01T10:00:00Z',
    });
  });

  it.each([
    ['a name that is no DNS label', { name: 'Not_A_Name' }],
    ['a canary percentage over 100', { traffic: { stable: 1, canary: 2, canaryPercent: 101 } }],
    ['a fractional version', { traffic: { stable: 1.5, canaryPercent: 0 } }],
    ['zero replicas', { replicas: { min: 0, max: 1 } }],
  ])('rejects %s', (_what, change) => {
    const object = modelServerObject(modelSpecFixture(change as never));
    expect(modelServerSchema.safeParse(object).success).toBe(false);
  });
});
