import { isKubeError, KubeConflictError } from '../../k8s/index.js';
import { withAlertDelivery } from '../lifecycle/alert-history.js';
import type { AlertDelivery, RunMarker } from '../model.js';
import { JOB_ANNOTATIONS } from '../naming.js';
import { formatMarkers, parseMarkers } from './job-run-record.js';
import { asNotebookJob, type JobsKubeApi } from './jobs-kube-api.js';

/*
 * The runtime's two read-modify-writes that many replicas and deliveries
 * race on: each conditioned on the resourceVersion just read, and retried on
 * conflict after a short random pause.
 */

const ATTEMPTS = 20;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Read-modify-write of the markers annotation, conditioned on the
 * resourceVersion just read, retried on conflict: of any number of
 * concurrent callers (in any process), exactly one sees `true`.
 */
export async function claimRunMarker(api: JobsKubeApi, runId: string, marker: RunMarker): Promise<boolean> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const job = await api.jobs.get(runId);
    const markers = parseMarkers(job.metadata?.annotations?.[JOB_ANNOTATIONS.markers]);
    if (markers.includes(marker)) return false;
    try {
      await api.jobs.mergePatch(runId, {
        metadata: {
          resourceVersion: job.metadata?.resourceVersion,
          annotations: { [JOB_ANNOTATIONS.markers]: formatMarkers([...markers, marker]) },
        },
      });
      return true;
    } catch (err) {
      if (!isKubeError(err, 'conflict')) throw err;
      await pause(20 + Math.random() * 80);
    }
  }
  throw new KubeConflictError(
    'conflict',
    409,
    `could not claim "${marker}" on run ${runId}: it kept changing`,
  );
}

/**
 * Appends `delivery` to the NotebookJob's `status.alerts` (newest
 * ALERT_HISTORY_LIMIT kept, see jobs/alert-history.ts) with a resourceVersion-checked status patch,
 * retried on conflict. A deleted job is ignored.
 */
export async function appendAlertDelivery(
  api: JobsKubeApi,
  jobObjectName: string,
  delivery: AlertDelivery,
): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const found = await api.notebookJobs.find(jobObjectName);
    if (!found) return;
    const job = asNotebookJob(found);
    const { alerts } = withAlertDelivery(job.status, delivery);
    try {
      await api.notebookJobs.mergePatch(
        jobObjectName,
        { metadata: { resourceVersion: job.metadata.resourceVersion }, status: { alerts } },
        { subresource: 'status' },
      );
      return;
    } catch (err) {
      if (isKubeError(err, 'not-found')) return;
      if (!isKubeError(err, 'conflict')) throw err;
      await pause(20 + Math.random() * 80);
    }
  }
  throw new KubeConflictError(
    'conflict',
    409,
    `could not record an alert on ${jobObjectName}: it kept changing`,
  );
}
