import type { V1Job, V1JobCondition } from '@kubernetes/client-node';
import type {
  ModelOutputOutcome,
  RunMarker,
  RunProgress,
  RunRecord,
  RunState,
  RunTrigger,
} from '../model.js';
import { JOB_ANNOTATIONS, JOB_LABELS } from '../naming.js';
import { ANNOTATIONS, LABELS } from '../../ownership/labels.js';

/**
 * Reads a run off its batch/v1 Job. Accepts the plain JSON an informer caches
 * (timestamps as strings) and client-node's typed objects (timestamps as Dates).
 */

const RUN_MARKERS: readonly RunMarker[] = ['alerts', 'dependents', 'model-output', 'recorded'];
const TRIGGERS: readonly RunTrigger[] = ['schedule', 'manual', 'dependency'];

/** An ISO timestamp from a string or Date field; undefined when absent or unreadable. */
function isoTime(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

function condition(job: V1Job, type: string): V1JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** Markers stored in the comma-separated annotation, in a stable order, unknown words dropped. */
export function parseMarkers(value: string | undefined): RunMarker[] {
  if (!value) return [];
  const words = new Set(value.split(',').map((w) => w.trim()));
  return RUN_MARKERS.filter((m) => words.has(m));
}

const RECORDED = /(?:^|,)\s*recorded\s*(?:,|$)/;

/**
 * True when the run's markers hold `recorded` (its lifecycle is done), read
 * as {@link parseMarkers} reads them but without building anything: a
 * resync asks this of every cached run, 50,000 at scale.
 */
export function isRecordedRun(job: V1Job): boolean {
  const value = job.metadata?.annotations?.[JOB_ANNOTATIONS.markers];
  return value !== undefined && RECORDED.test(value);
}

/** The annotation value for `markers`. */
export function formatMarkers(markers: readonly RunMarker[]): string {
  return RUN_MARKERS.filter((m) => markers.includes(m)).join(',');
}

function parseJsonObject(value: string | undefined): Record<string, unknown> | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function parseProgress(value: string | undefined): RunProgress | undefined {
  const parsed = parseJsonObject(value);
  const { cell, cells } = parsed ?? {};
  if (typeof cell !== 'number' || typeof cells !== 'number') return undefined;
  if (!Number.isInteger(cell) || !Number.isInteger(cells) || cell < 0 || cells < 0) return undefined;
  return { cell, cells };
}

/** The model output outcome annotation; undefined when absent or not one of its two shapes. */
export function parseModelOutput(value: string | undefined): ModelOutputOutcome | undefined {
  const parsed = parseJsonObject(value);
  if (!parsed || typeof parsed.model !== 'string') return undefined;
  if (typeof parsed.version === 'number' && Number.isInteger(parsed.version)) {
    return { model: parsed.model, version: parsed.version };
  }
  if (typeof parsed.error === 'string') return { model: parsed.model, error: parsed.error };
  return undefined;
}

/**
 * The run's state. Order matters: a Job that completed keeps its success even
 * if a late cancel marked it; a cancel ends the Job through a 1-second
 * deadline (see `KubernetesJobRuntime.cancelRun`), so the cancelled
 * annotation wins over the `DeadlineExceeded` failure that follows, and
 * counts as cancelled before that failure arrives. A run hub-proxy failed
 * (`failRun`, e.g. its home volume claim is missing) ends the same way and
 * is `failed` once the Job is; otherwise `DeadlineExceeded` is the Job
 * controller's reason for `activeDeadlineSeconds`.
 */
export function runStateOf(job: V1Job): RunState {
  if (condition(job, 'Complete')) return 'succeeded';
  if (job.metadata?.annotations?.[JOB_ANNOTATIONS.cancelled]) return 'cancelled';
  const failed = condition(job, 'Failed');
  // hub-proxy ended a run that could never start through the same 1-second deadline.
  if (failed && job.metadata?.annotations?.[JOB_ANNOTATIONS.failure]) return 'failed';
  if (failed?.reason === 'DeadlineExceeded') return 'timed_out';
  if (failed) return 'failed';
  const { active = 0, ready = 0 } = job.status ?? {};
  if (active > 0 || ready > 0 || job.status?.startTime) return 'running';
  return 'queued';
}

function finishedAt(job: V1Job, state: RunState): string | undefined {
  switch (state) {
    case 'succeeded':
      return isoTime(job.status?.completionTime) ?? isoTime(condition(job, 'Complete')?.lastTransitionTime);
    case 'failed':
    case 'timed_out':
      return isoTime(condition(job, 'Failed')?.lastTransitionTime);
    case 'cancelled':
      return (
        isoTime(job.metadata?.annotations?.[JOB_ANNOTATIONS.cancelled]) ??
        isoTime(condition(job, 'Failed')?.lastTransitionTime)
      );
    default:
      return undefined;
  }
}

function reasonOf(job: V1Job, state: RunState): string | undefined {
  if (state === 'cancelled') return 'Cancelled';
  const failed = condition(job, 'Failed');
  if (!failed) return undefined;
  const failure = job.metadata?.annotations?.[JOB_ANNOTATIONS.failure];
  if (state === 'failed' && failure) return failure;
  if (state === 'timed_out')
    return failed.message ? `DeadlineExceeded: ${failed.message}` : 'DeadlineExceeded';
  return failed.message || failed.reason || undefined;
}

/** True for Jobs made for a NotebookJob (they carry its object-name label). */
export function isRunJob(job: V1Job): boolean {
  return Boolean(job.metadata?.labels?.[JOB_LABELS.job]);
}

/**
 * The {@link RunRecord} of a batch/v1 Job made for a NotebookJob. `attempt`
 * counts pods started (failed + active + succeeded, at least 1), which is
 * what retries mean. CronJob-made Jobs without a trigger label count as
 * `schedule`. Throws if the Job is not a run (no {@link JOB_LABELS.job} label).
 */
export function runRecordFromJob(job: V1Job): RunRecord {
  const labels = job.metadata?.labels ?? {};
  const annotations = job.metadata?.annotations ?? {};
  const jobObjectName = labels[JOB_LABELS.job];
  const id = job.metadata?.name;
  if (!jobObjectName || !id) throw new Error(`Job ${id ?? '?'} is not a NotebookJob run`);
  const state = runStateOf(job);
  const { failed = 0, active = 0, succeeded = 0 } = job.status ?? {};
  const trigger = labels[JOB_LABELS.trigger];
  const record: RunRecord = {
    id,
    jobObjectName,
    job: labels[JOB_LABELS.jobName] ?? jobObjectName,
    owner: annotations[ANNOTATIONS.ownerName] ?? labels[LABELS.owner] ?? '',
    state,
    trigger: TRIGGERS.includes(trigger as RunTrigger) ? (trigger as RunTrigger) : 'schedule',
    attempt: Math.max(1, failed + active + succeeded),
    createdAt: createdAtOf(job),
    markers: parseMarkers(annotations[JOB_ANNOTATIONS.markers]),
  };
  const triggeredBy = annotations[JOB_ANNOTATIONS.triggeredBy];
  if (triggeredBy) record.triggeredBy = triggeredBy;
  const parameters = parseJsonObject(annotations[JOB_ANNOTATIONS.parameters]);
  if (parameters) record.parameters = parameters;
  const progress = parseProgress(annotations[JOB_ANNOTATIONS.progress]);
  if (progress) record.progress = progress;
  const modelOutput = parseModelOutput(annotations[JOB_ANNOTATIONS.modelOutput]);
  if (modelOutput) record.modelOutput = modelOutput;
  const startedAt = isoTime(job.status?.startTime);
  if (startedAt) record.startedAt = startedAt;
  const finished = finishedAt(job, state);
  if (finished) record.finishedAt = finished;
  const reason = reasonOf(job, state);
  if (reason) record.reason = reason;
  return record;
}

/**
 * When the run was created: the millisecond annotation hub-proxy writes on
 * run-now and dependency Jobs, else the object's creationTimestamp (CronJob
 * runs are at most one a minute per job, so seconds order them).
 */
function createdAtOf(job: V1Job): string {
  const annotated = job.metadata?.annotations?.[JOB_ANNOTATIONS.createdAt];
  const stamped = isoTime(job.metadata?.creationTimestamp);
  if (annotated && !Number.isNaN(Date.parse(annotated))) {
    // Trust it only near the server's own time, so a hand-edited value cannot reorder history.
    if (!stamped || Math.abs(Date.parse(annotated) - Date.parse(stamped)) < 60_000) {
      return new Date(annotated).toISOString();
    }
  }
  return stamped ?? new Date(0).toISOString();
}

/** Newest first (by creation time, then id, so equal timestamps still order stably). */
export function newestFirst(a: RunRecord, b: RunRecord): number {
  const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
