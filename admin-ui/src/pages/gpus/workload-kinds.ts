import type { WorkloadKind } from '../../api/types';
import { trans } from '../../app/translation';

/** The (translated) name of a workload kind. */
export function kindLabel(kind: WorkloadKind): string {
  switch (kind) {
    case 'server':
      return trans.__('Notebook server');
    case 'jobRun':
      return trans.__('Job run');
    case 'modelReplica':
      return trans.__('Model replica');
    case 'other':
      return trans.__('Other');
  }
}
