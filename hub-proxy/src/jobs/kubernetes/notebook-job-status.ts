import type { NotebookJob, NotebookJobStatus, RunRecord } from '../model.js';
import { scheduledRunTime } from '../schedule-ticks.js';

/**
 * The part of a NotebookJob's status the controller owns, and the merge
 * patch that brings the stored status there. `alerts` belongs to the alert
 * delivery and is never touched here. Pure.
 */

type Condition = NonNullable<NotebookJobStatus['conditions']>[number];

/** The condition the controller maintains. */
export const READY_CONDITION = 'Ready';

/** What the controller observed while reconciling one NotebookJob. */
export interface ObservedState {
  /** Its runs, newest first. */
  runs: readonly RunRecord[];
  /** Why applying the Secret failed, if it did. */
  error?: string;
  now: Date;
}

/**
 * The tick of the newest scheduled run: read from its id (schedule-ticks.ts),
 * or its creation time for a run a CronJob made before hub-proxy fired schedules.
 */
function lastScheduleTime(job: NotebookJob, runs: readonly RunRecord[]): string | undefined {
  const objectName = job.metadata.name ?? '';
  let latest: number | undefined;
  for (const run of runs) {
    if (run.trigger !== 'schedule') continue;
    const tick = scheduledRunTime(objectName, run.id)?.getTime() ?? Date.parse(run.createdAt);
    if (Number.isFinite(tick) && (latest === undefined || tick > latest)) latest = tick;
  }
  return latest === undefined ? undefined : new Date(latest).toISOString();
}

function readyCondition(job: NotebookJob, observed: ObservedState): Condition {
  const previous = job.status?.conditions?.find((c) => c.type === READY_CONDITION);
  const next: Condition = observed.error
    ? { type: READY_CONDITION, status: 'False', reason: 'ReconcileFailed', message: observed.error }
    : {
        type: READY_CONDITION,
        status: 'True',
        reason: 'Reconciled',
        message: job.spec.schedule ? (job.spec.suspend ? 'Schedule paused' : 'Scheduled') : 'Runs on demand',
      };
  // The transition time moves only when the status does.
  next.lastTransitionTime =
    previous?.status === next.status && previous.lastTransitionTime
      ? previous.lastTransitionTime
      : observed.now.toISOString();
  return next;
}

/** The controller-owned status fields `job` should have, given what was observed. */
export function desiredStatus(job: NotebookJob, observed: ObservedState): NotebookJobStatus {
  const status: NotebookJobStatus = {};
  if (job.metadata.generation !== undefined) status.observedGeneration = job.metadata.generation;
  const lastSchedule = job.spec.schedule ? lastScheduleTime(job, observed.runs) : undefined;
  if (lastSchedule) status.lastScheduleTime = lastSchedule;
  const last = observed.runs[0];
  if (last) {
    status.lastRun = { id: last.id, state: last.state };
    if (last.finishedAt) status.lastRun.finishedAt = last.finishedAt;
  }
  const others = (job.status?.conditions ?? []).filter((c) => c.type !== READY_CONDITION);
  status.conditions = [...others, readyCondition(job, observed)];
  return status;
}

const OWNED_FIELDS = ['observedGeneration', 'cronJob', 'lastScheduleTime', 'lastRun', 'conditions'] as const;

/** Same JSON regardless of key order. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, v]) => [k, canonical(v)]),
      );
    }
    return value;
  };
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

/** The merge-patch value replacing `have` by `want`: keys only `have` has become `null`. */
function replacement(want: unknown, have: unknown): unknown {
  if (!isPlainObject(want) || !isPlainObject(have)) return want ?? null;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(want)) out[key] = replacement(value, have[key]);
  for (const key of Object.keys(have)) if (!(key in want)) out[key] = null;
  return out;
}

/**
 * The JSON merge patch body (`{ status: ... }`) that turns `current` into
 * `desired` on the controller-owned fields (`null` removes one), or
 * undefined when nothing differs.
 */
export function statusMergePatch(
  current: NotebookJobStatus | undefined,
  desired: NotebookJobStatus,
): { status: Record<string, unknown> } | undefined {
  const patch: Record<string, unknown> = {};
  for (const field of OWNED_FIELDS) {
    const want = desired[field];
    const have = current?.[field];
    if (sameJson(want ?? null, have ?? null)) continue;
    patch[field] = replacement(want, have);
  }
  return Object.keys(patch).length > 0 ? { status: patch } : undefined;
}
