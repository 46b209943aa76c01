import { describe, expect, it } from 'vitest';
import type { RunRecord } from './model.js';
import { artifactKeys } from './naming.js';
import { notebookJobFixture } from './testing/notebook-job-fixture.js';
import { toJobView, toRunView } from './views.js';

const job = notebookJobFixture('alice', 'train', {
  modelOutput: { model: 'ctr', path: 'model/', rollout: { kind: 'canary', percent: 10 } },
});
const run: RunRecord = {
  id: 'train-x-m00000001',
  jobObjectName: job.metadata.name ?? '',
  job: 'train',
  owner: 'alice',
  state: 'succeeded',
  trigger: 'manual',
  attempt: 1,
  createdAt: '2030-01-01T00:00:00.000Z',
  markers: ['model-output'],
  modelOutput: { model: 'ctr', version: 3 },
};

describe('job and run views with a model output', () => {
  it('shows the job its model output', () => {
    expect(toJobView(job, undefined).modelOutput).toEqual(job.spec.modelOutput);
    expect(toJobView(notebookJobFixture('alice', 'plain'), undefined)).not.toHaveProperty('modelOutput');
  });

  it('shows what the run published, and does not take its model output files for run artifacts', () => {
    const keys = [
      artifactKeys.runArtifact('alice', run.jobObjectName, run.id, 'output.ipynb'),
      artifactKeys.modelOutputFile('alice', run.jobObjectName, run.id, 'log.txt'),
      artifactKeys.modelOutputFile('alice', run.jobObjectName, run.id, 'sub/output.html'),
    ];
    const view = toRunView(run, job, keys);
    expect(view.artifacts).toEqual(['output.ipynb']);
    expect(view.modelOutput).toEqual({ model: 'ctr', version: 3 });
  });
});
