import type { KubernetesObject, V1CronJob, V1Job } from '@kubernetes/client-node';

/*
 * What the jobs runtime's informer caches keep (InformerCache `trim`: in
 * place, idempotent). At scale (10,000 NotebookJobs, 50,000 run Jobs) the
 * caches are most of hub-proxy's memory, and most of each object is never
 * read:
 *
 * - `metadata.managedFields` (server-side apply's bookkeeping, often the
 *   largest part of a small object) and kubectl's last-applied annotation
 *   (a second copy of the object) go everywhere;
 * - a run Job's pod template (image, env, volumes, the runner script's
 *   mount: kilobytes) and selector go. Its state, times, attempts, reason,
 *   trigger, markers, progress, parameters and model output
 *   (`runRecordFromJob`) come from metadata (labels, annotations,
 *   creationTimestamp) and status, which stay whole, as do the owner
 *   references and deletionTimestamp the controller's adoption of orphaned
 *   runs reads and the resourceVersion it patches against. The spec's scalar
 *   fields (deadline, backoff limit, suspend) are a few bytes and stay;
 * - a CronJob's job template goes: the controller reads only its name,
 *   owner references, deletionTimestamp and `status.lastScheduleTime`.
 *
 * NotebookJobs keep their spec and status: the API's job view shows both.
 * Writes never start from a cached object (they read the API server or
 * build manifests from the NotebookJob), so nothing trimmed is ever written back.
 */

/** kubectl's copy of the whole object, on objects created with `kubectl apply` (GitOps). */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function trimMetadata(object: KubernetesObject): void {
  const metadata = object.metadata;
  if (!metadata) return;
  delete metadata.managedFields;
  if (metadata.annotations && LAST_APPLIED in metadata.annotations) {
    const { [LAST_APPLIED]: _copy, ...kept } = metadata.annotations;
    metadata.annotations = kept;
  }
}

/** Trims a cached NotebookJob in place: metadata bookkeeping only. */
export function trimNotebookJob<T extends KubernetesObject>(object: T): T {
  trimMetadata(object);
  return object;
}

/** Trims a cached run Job in place: no managed fields, no pod template or selector. */
export function trimRunJob(job: V1Job): V1Job {
  trimMetadata(job);
  if (job.spec) {
    // The type says required; the cache's readers never look (see above).
    delete (job.spec as Partial<typeof job.spec>).template;
    delete job.spec.selector;
    delete job.spec.podFailurePolicy;
    delete job.spec.successPolicy;
  }
  return job;
}

/** Trims a cached CronJob in place: no managed fields, no job template. */
export function trimCronJob(cronJob: V1CronJob): V1CronJob {
  trimMetadata(cronJob);
  if (cronJob.spec) delete (cronJob.spec as Partial<typeof cronJob.spec>).jobTemplate;
  return cronJob;
}
