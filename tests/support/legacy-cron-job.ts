import type { V1CronJob, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { NotebookJob } from '../../hub-proxy/src/jobs/model.js';
import { JOB_LABELS } from '../../hub-proxy/src/jobs/naming.js';

/** A pod template for objects that never run a pod (suspended CronJobs and Jobs). */
export const IDLE_POD_TEMPLATE: V1PodTemplateSpec = {
  spec: {
    restartPolicy: 'Never',
    containers: [{ name: 'runner', image: 'example.org/runner:1', command: ['true'] }],
  },
};

/**
 * The CronJob a version that scheduled with CronJobs made for `job`: named
 * and labelled after it, owned by it, suspended on a schedule that is never
 * due, so only the controller's upgrade path acts on it.
 */
export function legacyCronJob(job: NotebookJob): V1CronJob {
  const name = job.metadata.name ?? '';
  return {
    metadata: {
      name,
      labels: { [JOB_LABELS.job]: name, [JOB_LABELS.trigger]: 'schedule' },
      ownerReferences: [
        {
          apiVersion: 'turing.dev/v1alpha1',
          kind: 'NotebookJob',
          name,
          uid: job.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: { schedule: '0 3 1 1 *', suspend: true, jobTemplate: { spec: { template: IDLE_POD_TEMPLATE } } },
  };
}
