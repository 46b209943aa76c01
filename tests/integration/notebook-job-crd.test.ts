import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotebookJob } from '../../hub-proxy/src/jobs/model.js';
import { NOTEBOOK_JOB_CRD_FILE } from '../../hub-proxy/src/jobs/notebook-job-crd.js';
import { createNamespace } from '../support/namespaces.js';
import { notebookJobFixture } from '../support/notebook-job-fixtures.js';
import { kubectl as runKubectl, type KubectlResult } from '../support/kubectl.js';

/**
 * The generated NotebookJob CRD against a real kube-apiserver: it is a valid
 * structural schema, and the apiserver enforces its constraints. Objects are
 * only dry-run created, so nothing is left behind but the namespace.
 */

const kubeconfigPath = inject('kubeconfigPath');
const namespace = `nbjob-crd-${randomBytes(3).toString('hex')}`;
const CRD_PATH = join(import.meta.dirname, '..', '..', NOTEBOOK_JOB_CRD_FILE);
const OWNER = 'carol@example.org';

function kubectl(args: string[], input?: string): Promise<KubectlResult> {
  return runKubectl(kubeconfigPath, args, input);
}

/** Server-side dry-run create: full validation, defaulting and CEL, nothing stored. */
const dryRunCreate = (job: unknown) =>
  kubectl(['create', '--dry-run=server', '-n', namespace, '-o', 'json', '-f', '-'], JSON.stringify(job));

function withSpec(change: Record<string, unknown>): NotebookJob {
  const job = notebookJobFixture(OWNER, 'crd-check');
  return { ...job, spec: { ...job.spec, ...change } as NotebookJob['spec'] };
}

describe('the generated NotebookJob CRD (real kube-apiserver)', () => {
  beforeAll(async () => {
    await createNamespace(kubeconfigPath, namespace);
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  });

  it('is accepted by server-side apply (dry run) without warnings', async () => {
    const result = await kubectl(['apply', '--server-side', '--dry-run=server', '-f', CRD_PATH]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/notebookjobs\.turing\.dev serverside-applied \(server dry run\)/);
  });

  it('serves the short name nbjob', async () => {
    const result = await kubectl(['get', 'nbjob', '-n', namespace]);
    expect(result.code, result.stderr).toBe(0);
  });

  it('accepts a complete NotebookJob and fills the defaults of the fields it omits', async () => {
    const job = notebookJobFixture(OWNER, 'minimal');
    const { parameters: _p, suspend: _s, dependsOn: _d, alerts: _a, outputs: _o, ...spec } = job.spec;
    const result = await dryRunCreate({ ...job, spec });
    expect(result.code, result.stderr).toBe(0);
    const created = JSON.parse(result.stdout) as NotebookJob;
    expect(created.spec).toMatchObject({
      parameters: {},
      suspend: false,
      dependsOn: [],
      alerts: [],
      outputs: ['ipynb'],
    });
  });

  it('keeps free-form parameters as they are', async () => {
    const parameters = { nested: { list: [1, 'two', null], flag: true }, n: 1.5 };
    const result = await dryRunCreate(withSpec({ parameters }));
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as NotebookJob).spec.parameters).toEqual(parameters);
  });

  it.each([
    ['retries above 10', { retries: 11 }, /spec\.retries: Invalid value: 11: .*less than or equal to 10/],
    [
      'an unknown concurrency policy',
      { concurrency: 'sometimes' },
      /spec\.concurrency: Unsupported value: "sometimes": supported values: "allow", "forbid", "replace"/,
    ],
    ['a job name that is not a DNS label', { jobName: 'Not_A_Name' }, /spec\.jobName in body should match/],
    ['a timeout of 0', { timeoutSeconds: 0 }, /spec\.timeoutSeconds: Invalid value: 0/],
    ['an alert with no events', { alerts: [{ on: [], webhook: 'https://x' }] }, /spec\.alerts\[0\]\.on/],
    ['an unknown output format', { outputs: ['pdf'] }, /spec\.outputs\[0\]: Unsupported value: "pdf"/],
    [
      'a CPU that is not a quantity',
      { resources: { cpu: 'lots', memory: '1Gi', gpus: 0 } },
      /spec\.resources\.cpu/,
    ],
    ['a missing required field', { historyLimit: undefined }, /spec\.historyLimit: Required value/],
  ])('rejects %s', async (_case, change, message) => {
    const result = await dryRunCreate(withSpec(change));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it('rejects an object name of 53 characters with the CEL rule’s message', async () => {
    const job = notebookJobFixture(OWNER, 'long');
    job.metadata.name = 'x'.repeat(53);
    const result = await dryRunCreate(job);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/metadata\.name must be at most 52 characters/);
    job.metadata.name = 'x'.repeat(52);
    expect((await dryRunCreate(job)).code).toBe(0);
  });
});
