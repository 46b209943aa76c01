import type { NotebookJob, NotebookJobSpec } from '../../hub-proxy/src/jobs/model.js';
import { notebookJobFixture as unitFixture } from '../../hub-proxy/src/jobs/testing/notebook-job-fixture.js';

/** Label that picks a kwok outcome other than success (see kwok-outcome-stages.yaml). */
export const KWOK_OUTCOME_LABEL = 'turing.dev/kwok-outcome';

/**
 * The unit tests' NotebookJob, with what the cluster tests rely on: a real
 * pullable-looking image, a parameter the runner would inject, and the
 * `forbid` concurrency a scheduled job gets by default.
 */
export function notebookJobFixture(
  owner: string,
  jobName: string,
  spec: Partial<NotebookJobSpec> = {},
  labels: Record<string, string> = {},
): NotebookJob {
  return unitFixture(
    owner,
    jobName,
    {
      image: 'quay.io/jupyter/base-notebook:2026-11-01',
      resources: { cpu: '500m', memory: '1Gi', gpus: 0 },
      parameters: { n: 1 },
      concurrency: 'forbid',
      historyLimit: 20,
      ...spec,
    },
    labels,
  );
}
