import { describe, expect, it } from 'vitest';
import { JOB_NAME_MAX, jobObjectName } from './naming.js';
import { notebookJobCrd } from './notebook-job-crd.js';
import {
  NOTEBOOK_JOB_API_VERSION,
  NOTEBOOK_JOB_KIND,
  NOTEBOOK_JOB_NAME_MAX,
  notebookJobSchema,
  notebookJobSpecSchema,
} from './notebook-job-schema.js';

type Node = Record<string, unknown> & { properties?: Record<string, Node> };

/** The child schema `name` of `node` (fails the test if absent). */
function child(node: Node, name: string): Node {
  const found = node.properties?.[name];
  if (!found) throw new Error(`no property ${name}`);
  return found;
}

const crd = notebookJobCrd() as {
  spec: {
    names: { shortNames: string[] };
    versions: [{ subresources?: unknown; schema: { openAPIV3Schema: Node } }];
  };
};
const [version] = crd.spec.versions;
const root = version.schema.openAPIV3Schema;
const spec = child(root, 'spec');
const status = child(root, 'status');

const minimalSpec = {
  jobName: 'daily-ctr',
  notebook: {
    path: 'work/daily.ipynb',
    inputKey: 'users/alice/jobs/daily-ctr-abcdef/inputs/x.ipynb',
    digest: 'a'.repeat(64),
    sizeBytes: 12,
    updatedAt: '2026-01-02T03:04:05.678Z',
    kernel: 'python3',
  },
  environment: 'cpu-base',
  image: 'quay.io/jupyter/base-notebook:2026-11-01',
  resources: { cpu: '500m', memory: '1Gi', gpus: 0 },
  retries: 0,
  timeoutSeconds: 600,
  concurrency: 'forbid',
  historyLimit: 20,
};

describe('the NotebookJob CRD', () => {
  it('limits object names so every derived name fits 63 characters', () => {
    expect(jobObjectName('someone@example.org', 'x'.repeat(JOB_NAME_MAX))).toHaveLength(
      NOTEBOOK_JOB_NAME_MAX,
    );
    expect(root['x-kubernetes-validations']).toEqual([
      { rule: 'size(self.metadata.name) <= 52', message: 'metadata.name must be at most 52 characters' },
    ]);
  });

  it('keeps the Kubernetes-specific parts: status subresource, short name, free-form parameters, condition map', () => {
    expect(version.subresources).toEqual({ status: {} });
    expect(crd.spec.names.shortNames).toEqual(['nbjob']);
    expect(child(spec, 'parameters')).toMatchObject({
      type: 'object',
      default: {},
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(child(status, 'conditions')).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    });
  });

  it('requires what has no default and defaults the rest', () => {
    expect(spec.required).toEqual(Object.keys(minimalSpec));
    expect(child(spec, 'outputs').default).toEqual(['ipynb']);
  });
});

describe('notebookJobSchema', () => {
  it('parses a stored object and fills the spec defaults', () => {
    const job = notebookJobSchema.parse({
      apiVersion: NOTEBOOK_JOB_API_VERSION,
      kind: NOTEBOOK_JOB_KIND,
      metadata: { name: 'daily-ctr-abcdef' },
      spec: minimalSpec,
    });
    expect(job.spec).toMatchObject({
      parameters: {},
      suspend: false,
      dependsOn: [],
      alerts: [],
      outputs: ['ipynb'],
    });
  });

  it.each([
    ['retries', { retries: 11 }],
    ['concurrency', { concurrency: 'sometimes' }],
    ['jobName', { jobName: 'Not_A_Name' }],
    ['resources', { resources: { cpu: 'lots', memory: '1Gi', gpus: 0 } }],
  ])('rejects a bad %s like the apiserver does', (_field, change) => {
    expect(notebookJobSpecSchema.safeParse({ ...minimalSpec, ...change }).success).toBe(false);
  });
});
