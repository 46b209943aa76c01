import type { KubernetesObject, V1CronJob, V1Job, V1JobCondition } from '@kubernetes/client-node';
import { StringPool } from '../../k8s/index.js';

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
 * - a *finished* run Job (a Complete or Failed condition), most of the
 *   50,000, is cut to its compact record: metadata as above, the deadline and
 *   backoff limit, and a status of times, pod counts and the terminal
 *   condition (the Job controller's interim FailureTarget and
 *   SuccessCriteriaMet conditions, and every lastProbeTime, go). Its label
 *   and annotation values, owner references and condition texts are shared
 *   through a {@link StringPool}: they repeat across a job's runs. A finished
 *   Job never runs again, so nothing dropped is read later;
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

/** Shared by every cached run Job of this process; bounded (see StringPool). */
const runStrings = new StringPool();

const TERMINAL_CONDITIONS = new Set(['Complete', 'Failed']);

function isTerminal(condition: V1JobCondition): boolean {
  return TERMINAL_CONDITIONS.has(condition.type) && condition.status === 'True';
}

/** The terminal condition as its readers use it: no probe time, texts shared. */
function compactCondition(condition: V1JobCondition): V1JobCondition {
  const kept: V1JobCondition = {
    type: runStrings.intern(condition.type),
    status: runStrings.intern(condition.status),
  };
  if (condition.lastTransitionTime) kept.lastTransitionTime = condition.lastTransitionTime;
  if (condition.reason !== undefined) kept.reason = runStrings.intern(condition.reason);
  if (condition.message !== undefined) kept.message = runStrings.intern(condition.message);
  return kept;
}

const KEPT_STATUS = ['startTime', 'completionTime', 'active', 'ready', 'succeeded', 'failed'] as const;
const KEPT_METADATA = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'labels',
  'annotations',
  'ownerReferences',
] as const;

/** A finished run Job's compact record, in place (see the module comment). */
function compactFinishedRun(job: V1Job): void {
  trimMetadata(job);
  const metadata = job.metadata ?? {};
  const kept: NonNullable<V1Job['metadata']> = {};
  for (const key of KEPT_METADATA)
    if (metadata[key] !== undefined) Object.assign(kept, { [key]: metadata[key] });
  if (kept.namespace) kept.namespace = runStrings.intern(kept.namespace);
  runStrings.internValues(kept.labels);
  runStrings.internValues(kept.annotations);
  kept.ownerReferences = kept.ownerReferences?.map((ref) => ({
    ...ref,
    apiVersion: runStrings.intern(ref.apiVersion),
    kind: runStrings.intern(ref.kind),
    name: runStrings.intern(ref.name),
    uid: runStrings.intern(ref.uid),
  }));
  if (!kept.ownerReferences) delete kept.ownerReferences;
  job.metadata = kept;

  const spec: Partial<NonNullable<V1Job['spec']>> = job.spec ?? {};
  const compactSpec: Partial<NonNullable<V1Job['spec']>> = {};
  if (spec.activeDeadlineSeconds !== undefined)
    compactSpec.activeDeadlineSeconds = spec.activeDeadlineSeconds;
  if (spec.backoffLimit !== undefined) compactSpec.backoffLimit = spec.backoffLimit;
  // The type says template is required; the cache's readers never look (see above).
  job.spec = compactSpec as V1Job['spec'];

  const status = job.status ?? {};
  const compactStatus: NonNullable<V1Job['status']> = {};
  for (const key of KEPT_STATUS)
    if (status[key] !== undefined) Object.assign(compactStatus, { [key]: status[key] });
  const terminal = (status.conditions ?? []).filter(isTerminal).map(compactCondition);
  if (terminal.length > 0) compactStatus.conditions = terminal;
  job.status = compactStatus;
}

/**
 * Trims a cached run Job in place: no managed fields, no pod template or
 * selector; a finished run down to its compact record.
 */
export function trimRunJob(job: V1Job): V1Job {
  if (job.status?.conditions?.some(isTerminal)) {
    compactFinishedRun(job);
    return job;
  }
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

/** Trims a cached CronJob in place: metadata without managed fields, no spec or status. */
export function trimCronJob(cronJob: V1CronJob): V1CronJob {
  trimMetadata(cronJob);
  delete cronJob.spec;
  delete cronJob.status;
  return cronJob;
}
