/**
 * The shared vocabulary of the jobs feature: the `NotebookJob` object (the
 * stored intent), run records, and the interfaces the two runtimes
 * (kubernetes, local), the artifact store and the runner API implement.
 * Nothing here does I/O.
 */

import type { z } from 'zod';
import {
  RUN_STATES,
  type alertDeliverySchema,
  type alertEventSchema,
  type alertSpecSchema,
  type concurrencyPolicySchema,
  type modelOutputSpecSchema,
  type notebookInputSchema,
  type notebookJobSchema,
  type notebookJobSpecSchema,
  type notebookJobStatusSchema,
  type outputFormatSchema,
  type runStateSchema,
} from './notebook-job-schema.js';

// The NotebookJob resource is defined once, as zod schemas (which also
// generate its CRD); the types and constants below are views of them.
export {
  NOTEBOOK_JOB_API_VERSION,
  NOTEBOOK_JOB_GROUP,
  NOTEBOOK_JOB_KIND,
  NOTEBOOK_JOB_PLURAL,
  RUN_STATES,
} from './notebook-job-schema.js';

/** Terminal and non-terminal states of one run. */
export type RunState = z.output<typeof runStateSchema>;

/** States after which a run never changes again. */
export const TERMINAL_RUN_STATES: readonly RunState[] = RUN_STATES.filter(
  (s) => s !== 'queued' && s !== 'running',
);

/** True for succeeded, failed, cancelled and timed_out. */
export function isTerminal(state: RunState): boolean {
  return TERMINAL_RUN_STATES.includes(state);
}

/** What started a run. */
export const RUN_TRIGGERS = ['schedule', 'manual', 'dependency'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** Concurrency policy, as the API spells it (CronJob's Allow/Forbid/Replace). */
export type ConcurrencyPolicy = z.output<typeof concurrencyPolicySchema>;

/** Run outcomes an alert can subscribe to. */
export type AlertEvent = z.output<typeof alertEventSchema>;

/** One webhook alert: a Slack-compatible JSON POST on the listed outcomes. */
export type AlertSpec = z.output<typeof alertSpecSchema>;

/** Output formats a job keeps besides its log. */
export type OutputFormat = z.output<typeof outputFormatSchema>;

/** What a job's successful runs publish as the next version of a model. */
export type ModelOutputSpec = z.output<typeof modelOutputSpecSchema>;

/** The input snapshot a job runs: stored in the artifact store, referenced here. */
export type NotebookInput = z.output<typeof notebookInputSchema>;

/** `spec` of a NotebookJob: everything needed to run it, resolved at create time (defaults applied). */
export type NotebookJobSpec = z.output<typeof notebookJobSpecSchema>;

/** One recorded alert delivery (newest last, bounded). */
export type AlertDelivery = z.output<typeof alertDeliverySchema>;

/** `status` of a NotebookJob, written by the controller. */
export type NotebookJobStatus = z.output<typeof notebookJobStatusSchema>;

/** The NotebookJob custom resource (also the local runtime's stored record). */
export type NotebookJob = z.output<typeof notebookJobSchema>;

/** Per-cell progress the runner reports. */
export interface RunProgress {
  /** Cells finished or started so far (1-based index of the current cell). */
  cell: number;
  cells: number;
}

/** One run, as both runtimes report it. */
export interface RunRecord {
  /** Unique in the namespace; the batch/v1 Job name on Kubernetes. */
  id: string;
  /** Object name of the NotebookJob. */
  jobObjectName: string;
  /** User-facing job name. */
  job: string;
  /** Raw hub user name of the owner. */
  owner: string;
  state: RunState;
  trigger: RunTrigger;
  /** For `dependency` runs: the upstream run id. */
  triggeredBy?: string;
  /** Parameter overrides of this run (run-now may pass some); merged over the job's. */
  parameters?: Record<string, unknown>;
  /** Attempts started so far (1 while the first runs). */
  attempt: number;
  progress?: RunProgress;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Why it ended that way (e.g. the failing cell's error, "DeadlineExceeded"). */
  reason?: string;
  /** Lifecycle steps already done for this run (see {@link RunMarker}). */
  markers: RunMarker[];
  /** What the run published, for a job with a model output (set once it succeeded). */
  modelOutput?: ModelOutputOutcome;
}

/** The version a run published to its job's model, or why it published none. */
export type ModelOutputOutcome = { model: string; version: number } | { model: string; error: string };

/** Once-only lifecycle steps, claimed on the run so restarts never repeat them. */
export type RunMarker = 'alerts' | 'dependents' | 'model-output' | 'recorded';

/** What {@link JobRuntime.startRun} is asked to start. */
export interface StartRunRequest {
  trigger: RunTrigger;
  /** Deterministic id for idempotent starts (dependency runs); absent: a fresh id. */
  runId?: string;
  triggeredBy?: string;
  parameters?: Record<string, unknown>;
}

/** Called by a runtime whenever a run reaches a terminal state (possibly more than once). */
export type RunFinishedListener = (run: RunRecord, job: NotebookJob | undefined) => Promise<void>;

/**
 * Where definitions live and how runs execute. `kubernetes`: NotebookJob
 * objects, CronJobs and Jobs. `local`: files and papermill subprocesses.
 * Failures are thrown as KubeErrors (kubernetes) or domain errors (local), both
 * of which the one error middleware maps to problem+json.
 */
export interface JobRuntime {
  readonly kind: 'kubernetes' | 'local';
  /** The NotebookJob objects (creation never overwrites; replace checks resourceVersion). */
  readonly definitions: {
    list(options: {
      labelSelector?: string;
      limit?: number;
      continue?: string;
    }): Promise<{ items: NotebookJob[]; continue?: string }>;
    get(name: string): Promise<NotebookJob>;
    create(object: NotebookJob): Promise<NotebookJob>;
    replace(object: NotebookJob): Promise<NotebookJob>;
    delete(name: string, preconditions?: { uid?: string; resourceVersion?: string }): Promise<void>;
  };
  /**
   * Starts one run of `job` now. With `request.runId`, a second call with the
   * same id returns the existing run instead of starting another.
   */
  startRun(job: NotebookJob, request: StartRunRequest): Promise<RunRecord>;
  /** Runs of one job, newest first. */
  listRuns(jobObjectName: string): Promise<RunRecord[]>;
  /** A run by id; undefined if there is none. */
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Stops a queued or running run; it ends `cancelled`. A finished run is returned unchanged. */
  cancelRun(runId: string): Promise<RunRecord>;
  /** Stores the runner's per-cell progress on the run. */
  recordProgress(runId: string, progress: RunProgress): Promise<void>;
  /**
   * Sets `marker` on the run unless it is already there. True if this call
   * set it (the caller now owns that step), false if it was set before.
   */
  claimMarker(runId: string, marker: RunMarker): Promise<boolean>;
  /**
   * Stores on the run what it published to its model (or why it did not),
   * replacing an earlier outcome: a transient failure is shown, then
   * overwritten by the retry's version.
   */
  recordModelOutput(runId: string, outcome: ModelOutputOutcome): Promise<void>;
  /** Deletes a finished run's record (retention). Its artifacts are the caller's. */
  deleteRun(runId: string): Promise<void>;
  /**
   * The live log of a running run, as chunks of text, ending when the run
   * does or `signal` aborts. Undefined when the runtime cannot stream it;
   * callers fall back to the stored `log.txt`.
   */
  followLog?(runId: string, signal: AbortSignal): AsyncIterable<string> | undefined;
  /**
   * Appends an alert delivery to the NotebookJob's `status.alerts` (the
   * newest 20 are kept). A deleted job is ignored.
   */
  recordAlertDelivery?(jobObjectName: string, delivery: AlertDelivery): Promise<void>;
  /** Registers the lifecycle callback (alerts, dependencies, retention). */
  onRunFinished(listener: RunFinishedListener): void;
  /** Starts schedulers / controllers; resolves when ready to serve. */
  start(): Promise<void>;
  /** Stops schedulers, controllers and (local) running processes. */
  stop(): Promise<void>;
}

/**
 * What a run token lets its bearer do: act as one run of one NotebookJob
 * object. The object is named by name, uid and owner, so a token dies with
 * its object: a later object of the same name (recreated, or another user's
 * whose name hashes alike) has another uid and refuses it.
 */
export interface RunTokenClaims {
  /** NotebookJob object name. */
  job: string;
  /** `metadata.uid` of that NotebookJob. */
  uid: string;
  /** Raw hub user name of the job's owner (its `turing.dev/owner-name`). */
  owner: string;
  /** Run id; absent for job-scoped tokens (CronJob pods learn their run id from their Job name). */
  run?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Issues and checks run tokens (HMAC; stateless, so every replica agrees). */
export interface RunTokens {
  issue(claims: Omit<RunTokenClaims, 'exp'>, ttlSeconds: number): string;
  /** The claims of a valid, unexpired token; undefined otherwise. Never throws. */
  verify(token: string): RunTokenClaims | undefined;
}
