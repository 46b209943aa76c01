import type { QuotaKey } from '../../api/types';
import { trans } from '../../app/translation';

/** The (translated) column header of a quota. */
export function quotaLabel(key: QuotaKey): string {
  switch (key) {
    case 'gpus':
      return trans.__('GPUs');
    case 'concurrentRuns':
      return trans.__('Concurrent runs');
    case 'scheduledJobs':
      return trans.__('Scheduled jobs');
    case 'modelReplicas':
      return trans.__('Model replicas');
    case 'artifactBytes':
      return trans.__('Artifact storage');
  }
}
