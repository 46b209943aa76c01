import { Token } from '@lumino/coreutils';

import type {
  CreateJobRequest,
  EnvironmentsResponse,
  Job,
  JobList,
  JsonValue,
  Me,
  NotebookContent,
  Run,
  RunList,
  RunLogEnd,
  SchedulePreview,
  SpawnProgressEvent,
  SwitchEnvironmentRequest,
  SwitchEnvironmentResponse,
  UpdateJobRequest,
} from './types';
import type { HubContext } from './urls';

/** Options of {@link ITuringClient.spawnProgress}. */
export interface SpawnProgressOptions {
  /** Stops reading the stream (the promise rejects with an `AbortError`). */
  signal?: AbortSignal;
}

/** Options of {@link ITuringClient.followRunLog}. */
export interface FollowOptions {
  /** Stops reading the stream (the promise rejects with an `AbortError`). */
  signal?: AbortSignal;
}

/**
 * The typed hub-proxy API client. Every method rejects with a
 * `TuringApiError` (a `TuringLoginRequiredError` when the user must log in to
 * the hub again).
 */
export interface ITuringClient {
  /** Where this page runs inside JupyterHub. */
  readonly hub: HubContext;
  /** The service's URL, ending in `/`, e.g. `/services/turing/`. */
  readonly serviceUrl: string;
  /** `GET /api/v1/me`. */
  me(): Promise<Me>;
  /** `GET /api/v1/environments`: the catalog, live GPU availability and the caller's quota. */
  environments(): Promise<EnvironmentsResponse>;
  /** `POST /api/v1/me/server`: (re)start a server in an environment; answers `{progressUrl}`. */
  switchEnvironment(body: SwitchEnvironmentRequest): Promise<SwitchEnvironmentResponse>;
  /**
   * Reads a spawn progress stream, calling `onEvent` per event, and resolves
   * with the final event (`ready` or `failed`).
   */
  spawnProgress(
    progressUrl: string,
    onEvent: (event: SpawnProgressEvent) => void,
    options?: SpawnProgressOptions,
  ): Promise<SpawnProgressEvent>;
  /** `GET /api/v1/jobs`: the caller's jobs. */
  jobs(): Promise<JobList>;
  /** `POST /api/v1/jobs`: creates a job (the notebook content becomes its input snapshot). */
  createJob(body: CreateJobRequest): Promise<Job>;
  /** `GET /api/v1/jobs/{name}`. */
  job(name: string): Promise<Job>;
  /** `PATCH /api/v1/jobs/{name}`: changes some fields; `notebook` replaces the input snapshot. */
  updateJob(name: string, patch: UpdateJobRequest): Promise<Job>;
  /** `DELETE /api/v1/jobs/{name}`: deletes the job with its runs and artifacts. */
  deleteJob(name: string): Promise<void>;
  /** `POST /api/v1/jobs/{name}/runs`: starts a run now, optionally overriding parameters. */
  runJob(name: string, parameters?: Record<string, JsonValue>): Promise<Run>;
  /** `GET /api/v1/jobs/{name}/runs`: the job's runs, newest first. */
  jobRuns(name: string): Promise<RunList>;
  /** `GET /api/v1/runs/{id}`. */
  run(id: string): Promise<Run>;
  /** `DELETE /api/v1/runs/{id}`: cancels a run; answers the run. */
  cancelRun(id: string): Promise<Run>;
  /**
   * Follows a run's log (`?follow=1`, SSE): calls `onChunk` with each piece of
   * text and resolves with the run's final state when the stream sends `end`.
   * Rejects with a `TuringApiError` (status 0) if the stream closes earlier.
   */
  followRunLog(id: string, onChunk: (text: string) => void, options?: FollowOptions): Promise<RunLogEnd>;
  /** `GET /api/v1/runs/{id}/log`: the log so far, as text. */
  runLog(id: string): Promise<string>;
  /** `GET /api/v1/runs/{id}/output`: the executed notebook (404 until it exists). */
  runOutput(id: string, format: 'ipynb'): Promise<NotebookContent>;
  /** `GET /api/v1/runs/{id}/output?format=html`: the HTML rendering. */
  runOutput(id: string, format: 'html'): Promise<string>;
  /**
   * `GET /api/v1/schedule/preview`: the description and next `count` run times
   * of a cron in a time zone; a 400 with `errors[]` for a bad cron or zone.
   */
  schedulePreview(cron: string, timezone: string, count?: number): Promise<SchedulePreview>;
}

/** The token of the page's single {@link ITuringClient}. */
export const ITuringClient = new Token<ITuringClient>(
  '@turing/client:ITuringClient',
  'The typed client of the Turing hub-proxy API.',
);
