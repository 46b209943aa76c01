import { ownerMetadata } from '../../ownership/ownership.js';
import {
  NOTEBOOK_JOB_API_VERSION,
  NOTEBOOK_JOB_KIND,
  type NotebookJob,
  type NotebookJobSpec,
} from '../model.js';
import { JOB_LABELS, artifactKeys, jobObjectName } from '../naming.js';

/**
 * A complete NotebookJob as the jobs service stores one, for unit tests:
 * owned by `owner` (owner label and annotation), on demand, with an input
 * snapshot reference that nothing reads (the in-memory runtime runs nothing).
 */
export function notebookJobFixture(
  owner: string,
  jobName: string,
  spec: Partial<NotebookJobSpec> = {},
  labels: Record<string, string> = {},
): NotebookJob {
  const name = jobObjectName(owner, jobName);
  const stamp = ownerMetadata(owner);
  const digest = 'd'.repeat(64);
  return {
    apiVersion: NOTEBOOK_JOB_API_VERSION,
    kind: NOTEBOOK_JOB_KIND,
    metadata: {
      name,
      labels: { ...stamp.labels, [JOB_LABELS.jobName]: jobName, ...labels },
      annotations: stamp.annotations,
    },
    spec: {
      jobName,
      notebook: {
        path: `work/${jobName}.ipynb`,
        inputKey: artifactKeys.input(owner, name, digest),
        digest,
        sizeBytes: 10,
        updatedAt: '2030-01-01T00:00:00.000Z',
        kernel: 'python3',
      },
      environment: 'cpu-base',
      image: 'example.org/cpu-base:1',
      resources: { cpu: '1', memory: '1Gi', gpus: 0 },
      parameters: {},
      suspend: false,
      retries: 0,
      timeoutSeconds: 600,
      concurrency: 'allow',
      dependsOn: [],
      alerts: [],
      outputs: ['ipynb'],
      historyLimit: 10,
      ...spec,
    },
  };
}
