import { createHash } from 'node:crypto';
import { ownerMetadata } from '../../hub-proxy/src/ownership/ownership.js';
import {
  NOTEBOOK_JOB_API_VERSION,
  NOTEBOOK_JOB_KIND,
  type NotebookJob,
  type NotebookJobSpec,
} from '../../hub-proxy/src/jobs/model.js';
import { artifactKeys, jobObjectName } from '../../hub-proxy/src/jobs/naming.js';

/** Label that picks a kwok outcome other than success (see kwok-outcome-stages.yaml). */
export const KWOK_OUTCOME_LABEL = 'turing.dev/kwok-outcome';

/**
 * A complete NotebookJob as the jobs service would store it: owned by
 * `owner`, on-demand, with a plausible input snapshot reference.
 */
export function notebookJobFixture(
  owner: string,
  jobName: string,
  spec: Partial<NotebookJobSpec> = {},
  labels: Record<string, string> = {},
): NotebookJob {
  const name = jobObjectName(owner, jobName);
  const digest = createHash('sha256').update(jobName).digest('hex');
  const meta = ownerMetadata(owner);
  return {
    apiVersion: NOTEBOOK_JOB_API_VERSION,
    kind: NOTEBOOK_JOB_KIND,
    metadata: { name, labels: { ...meta.labels, ...labels }, annotations: meta.annotations },
    spec: {
      jobName,
      notebook: {
        path: `work/${jobName}.ipynb`,
        inputKey: artifactKeys.input(owner, name, digest),
        digest,
        sizeBytes: 1234,
        updatedAt: new Date().toISOString(),
        kernel: 'python3',
      },
      environment: 'cpu-base',
      image: 'quay.io/jupyter/base-notebook:2026-11-01',
      resources: { cpu: '500m', memory: '1Gi', gpus: 0 },
      parameters: { n: 1 },
      suspend: false,
      retries: 0,
      timeoutSeconds: 600,
      concurrency: 'forbid',
      dependsOn: [],
      alerts: [],
      outputs: ['ipynb'],
      historyLimit: 20,
      ...spec,
    },
  };
}
