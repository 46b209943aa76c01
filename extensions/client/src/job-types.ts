/**
 * Types of the jobs part of the hub-proxy REST API (v1): notebook jobs, their
 * runs and the schedule preview. The contract is `docs/api.md` (jobs) and
 * `/api/openapi.json`.
 */

/** Any JSON value (parameters are JSON). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A notebook document (nbformat 4 JSON), kept loose: the client does not interpret it. */
export type NotebookContent = { [key: string]: unknown };

/** Where a run stands; the last four are terminal. */
export type RunState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out';

/** The states after which a run never changes. */
export const TERMINAL_RUN_STATES: readonly RunState[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];

/** True for `succeeded`, `failed`, `cancelled` and `timed_out`. */
export function isTerminalRunState(state: RunState): boolean {
  return TERMINAL_RUN_STATES.includes(state);
}

/** What started a run. */
export type RunTrigger = 'schedule' | 'manual' | 'dependency';

/** What happens when a run is due while another one still runs. */
export type ConcurrencyPolicy = 'allow' | 'forbid' | 'replace';

/** A run outcome an alert can subscribe to. */
export type AlertEvent = 'failure' | 'success' | 'timeout';

/** Output formats a job keeps besides its log. */
export type OutputFormat = 'ipynb' | 'html';

/** How a job is triggered: by its schedule, paused, or only on demand / by dependencies. */
export type JobState = 'scheduled' | 'paused' | 'on-demand';

/** One webhook alert: a Slack-compatible JSON POST on the listed outcomes. */
export interface AlertSpec {
  on: AlertEvent[];
  webhook: string;
}

/** CPU, memory (Kubernetes quantities) and GPUs of each run. */
export interface JobResources {
  cpu: string;
  memory: string;
  gpus: number;
  gpuType?: string;
}

/** The input snapshot a job runs. */
export interface JobNotebook {
  /** Path of the source notebook in the owner's home. */
  path: string;
  /** sha256 (hex) of the stripped snapshot (see the jobs extension's notebook digest). */
  digest: string;
  sizeBytes: number;
  /** ISO time the snapshot was taken. */
  updatedAt: string;
  /** The kernelspec name papermill runs. */
  kernel: string;
}

/** A job's cron schedule with its description and next run times. */
export interface JobSchedule {
  cron: string;
  timezone: string;
  description: string;
  /** The next (up to 5) run times, ISO. */
  nextRuns: string[];
}

/** One recorded alert delivery. */
export interface AlertDelivery {
  run: string;
  event: AlertEvent;
  /** The webhook's origin (paths are secrets). */
  target: string;
  delivered: boolean;
  attempts: number;
  at: string;
  status?: number;
  error?: string;
}

/** How a version a run published takes traffic: a new canary at `percent` %, or all of it. */
export type ModelRollout = { kind: 'canary'; percent: number } | { kind: 'replace' };

/** What a job's successful runs publish: the files at `path` become the next version of `model`. */
export interface ModelOutputSpec {
  /** The model (a DNS label of at most 40 characters). */
  model: string;
  /** A file or folder the notebook writes, relative to its working directory (`model/`). */
  path: string;
  rollout: ModelRollout;
}

/** What a succeeded run of a job with a model output published, or why it published nothing. */
export type RunModelOutput = { model: string; version: number } | { model: string; error: string };

/** A notebook job, as `GET /api/v1/jobs/{name}` answers. */
export interface Job {
  name: string;
  owner: string;
  notebook: JobNotebook;
  environment: string;
  image: string;
  resources: JobResources;
  parameters: Record<string, JsonValue>;
  /** Absent for jobs that run only on demand or after dependencies. */
  schedule?: JobSchedule;
  suspended: boolean;
  retries: number;
  timeoutSeconds: number;
  concurrency: ConcurrencyPolicy;
  dependsOn: string[];
  alerts: AlertSpec[];
  outputs: OutputFormat[];
  historyLimit: number;
  /** Absent: runs publish nothing. */
  modelOutput?: ModelOutputSpec;
  state: JobState;
  lastRun?: { id: string; state: RunState; finishedAt?: string };
  alertDeliveries: AlertDelivery[];
  createdAt: string;
}

/** `GET /api/v1/jobs`. */
export interface JobList {
  items: Job[];
  continue?: string;
}

/** A notebook to snapshot: its path (for display and updates) and its content. */
export interface NotebookSource {
  path: string;
  content: NotebookContent;
}

/** The job settings a create and an update request may send (every one optional). */
export interface EditableJobFields {
  resources?: JobResources;
  parameters?: Record<string, JsonValue>;
  /** `null`: on demand only (on create, absent means the same). */
  schedule?: { cron: string; timezone: string } | null;
  suspend?: boolean;
  retries?: number;
  timeoutSeconds?: number;
  concurrency?: ConcurrencyPolicy;
  dependsOn?: string[];
  alerts?: AlertSpec[];
  outputs?: OutputFormat[];
  historyLimit?: number;
  /** What successful runs publish; `null` (update only) stops publishing. */
  modelOutput?: ModelOutputSpec | null;
}

/** Body of `POST /api/v1/jobs`; only `name`, `notebook` and `environment` are required. */
export interface CreateJobRequest extends EditableJobFields {
  name: string;
  notebook: NotebookSource;
  environment: string;
}

/** Body of `PATCH /api/v1/jobs/{name}`: any subset; `notebook` replaces the input snapshot. */
export interface UpdateJobRequest extends EditableJobFields {
  environment?: string;
  notebook?: NotebookSource;
}

/** Body of `POST /api/v1/jobs/{name}/runs`: `{}` runs with the job's parameters. */
export interface RunJobRequest {
  /** Overrides of the job's parameters for this run. */
  parameters?: Record<string, JsonValue>;
}

/** A run artifact a runner uploaded. */
export type RunArtifact = 'output.ipynb' | 'output.html' | 'log.txt';

/** One run of a job. */
export interface Run {
  id: string;
  job: string;
  owner: string;
  state: RunState;
  trigger: RunTrigger;
  /** For dependency runs: the upstream run id. */
  triggeredBy?: string;
  /** The effective parameters. */
  parameters: Record<string, JsonValue>;
  attempt: number;
  /** `cell` of `cells` done or running (1-based). */
  progress?: { cell: number; cells: number };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationSeconds?: number;
  /** Why it ended that way. */
  reason?: string;
  artifacts: RunArtifact[];
  /** For a succeeded run of a job with a model output: the version it published, or the error. */
  modelOutput?: RunModelOutput;
}

/** `GET /api/v1/jobs/{name}/runs`, newest first. */
export interface RunList {
  items: Run[];
}

/** `GET /api/v1/schedule/preview`. */
export interface SchedulePreview {
  cron: string;
  timezone: string;
  description: string;
  /** ISO times. */
  nextRuns: string[];
}

/** How a followed log ended. */
export interface RunLogEnd {
  state: RunState;
}
