import type { ITuringConnection } from './connection';
import { parseJson } from './connection';
import { TuringApiError } from './errors';
import type {
  CreateJobRequest,
  Job,
  JobList,
  JsonValue,
  NotebookContent,
  Run,
  RunJobRequest,
  RunList,
  RunLogEnd,
  RunState,
  SchedulePreview,
  UpdateJobRequest,
} from './types';

/**
 * Whose job or run a request is about. Job names are unique per owner only:
 * an admin acting on another user's job must name that user (`?user=`), or
 * the request reaches the admin's own job of the same name. Run routes
 * check it too (404 when the run is someone else's).
 */
export interface OwnerOptions {
  /** The owner; absent means the caller. */
  user?: string;
}

/** Options of {@link IJobsClient.followRunLog}. */
export interface FollowOptions extends OwnerOptions {
  /** Stops reading the stream (the promise rejects with an `AbortError`). */
  signal?: AbortSignal;
}

/** The notebook jobs part of the hub-proxy API: jobs, their runs and schedule previews. */
export interface IJobsClient {
  /** `GET /api/v1/jobs`: the caller's jobs (admins: everyone's, or `user`'s). */
  list(options?: OwnerOptions): Promise<JobList>;
  /** `GET /api/v1/jobs/{name}`. */
  get(name: string, options?: OwnerOptions): Promise<Job>;
  /** `POST /api/v1/jobs`: creates a job (the notebook content becomes its input snapshot). */
  create(body: CreateJobRequest): Promise<Job>;
  /** `PATCH /api/v1/jobs/{name}`: changes some fields; `notebook` replaces the input snapshot. */
  update(name: string, patch: UpdateJobRequest, options?: OwnerOptions): Promise<Job>;
  /** `DELETE /api/v1/jobs/{name}`: deletes the job with its runs and artifacts. */
  delete(name: string, options?: OwnerOptions): Promise<void>;
  /** `POST /api/v1/jobs/{name}/runs`: starts a run now, optionally overriding parameters. */
  run(name: string, parameters?: Record<string, JsonValue>, options?: OwnerOptions): Promise<Run>;
  /** `GET /api/v1/jobs/{name}/runs`: the job's runs, newest first. */
  listRuns(name: string, options?: OwnerOptions): Promise<RunList>;
  /** `GET /api/v1/runs/{id}`. */
  getRun(id: string, options?: OwnerOptions): Promise<Run>;
  /** `DELETE /api/v1/runs/{id}`: cancels a run; answers the run. */
  cancelRun(id: string, options?: OwnerOptions): Promise<Run>;
  /**
   * Follows a run's log (`?follow=1`, SSE): calls `onChunk` with each piece of
   * text and resolves with the run's final state when the stream sends `end`.
   * Rejects with a `TuringApiError` (status 0) if the stream closes earlier.
   */
  followRunLog(id: string, onChunk: (text: string) => void, options?: FollowOptions): Promise<RunLogEnd>;
  /** `GET /api/v1/runs/{id}/log`: the log so far, as text. */
  runLog(id: string, options?: OwnerOptions): Promise<string>;
  /** `GET /api/v1/runs/{id}/output`: the executed notebook (404 until it exists). */
  runOutput(id: string, format: 'ipynb', options?: OwnerOptions): Promise<NotebookContent>;
  /** `GET /api/v1/runs/{id}/output?format=html`: the HTML rendering. */
  runOutput(id: string, format: 'html', options?: OwnerOptions): Promise<string>;
  /**
   * `GET /api/v1/schedule/preview`: the description and next `count` run times
   * of a cron in a time zone; a 400 with `errors[]` for a bad cron or zone.
   */
  schedulePreview(cron: string, timezone: string, count?: number): Promise<SchedulePreview>;
}

/** The API path of a job, below `/api/`. */
function jobPath(name: string): string {
  return `v1/jobs/${encodeURIComponent(name)}`;
}

/** The API path of a run, below `/api/`. */
function runPath(id: string): string {
  return `v1/runs/${encodeURIComponent(id)}`;
}

/** `path` with `?user=<owner>` (or `&user=`) when an owner is named. */
function forOwner(path: string, options: OwnerOptions | undefined): string {
  if (options?.user === undefined) {
    return path;
  }
  const query = new URLSearchParams({ user: options.user }).toString();
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/** {@link IJobsClient} over the page's {@link ITuringConnection}. */
export class JobsClient implements IJobsClient {
  constructor(private readonly connection: ITuringConnection) {}

  list(options?: OwnerOptions): Promise<JobList> {
    return this.connection.request<JobList>('GET', forOwner('v1/jobs', options));
  }

  get(name: string, options?: OwnerOptions): Promise<Job> {
    return this.connection.request<Job>('GET', forOwner(jobPath(name), options));
  }

  create(body: CreateJobRequest): Promise<Job> {
    return this.connection.request<Job>('POST', 'v1/jobs', body);
  }

  update(name: string, patch: UpdateJobRequest, options?: OwnerOptions): Promise<Job> {
    return this.connection.request<Job>('PATCH', forOwner(jobPath(name), options), patch);
  }

  async delete(name: string, options?: OwnerOptions): Promise<void> {
    await this.connection.request<undefined>('DELETE', forOwner(jobPath(name), options));
  }

  run(name: string, parameters?: Record<string, JsonValue>, options?: OwnerOptions): Promise<Run> {
    const body: RunJobRequest = parameters ? { parameters } : {};
    return this.connection.request<Run>('POST', forOwner(`${jobPath(name)}/runs`, options), body);
  }

  listRuns(name: string, options?: OwnerOptions): Promise<RunList> {
    return this.connection.request<RunList>('GET', forOwner(`${jobPath(name)}/runs`, options));
  }

  getRun(id: string, options?: OwnerOptions): Promise<Run> {
    return this.connection.request<Run>('GET', forOwner(runPath(id), options));
  }

  cancelRun(id: string, options?: OwnerOptions): Promise<Run> {
    return this.connection.request<Run>('DELETE', forOwner(runPath(id), options));
  }

  async followRunLog(
    id: string,
    onChunk: (text: string) => void,
    options: FollowOptions = {},
  ): Promise<RunLogEnd> {
    let end: RunLogEnd | undefined;
    await this.connection.readEvents(
      `api/${forOwner(`${runPath(id)}/log?follow=1`, options)}`,
      (data, event) => {
        const message = data as { text?: unknown; state?: unknown } | undefined;
        if (event === 'end') {
          end = { state: (typeof message?.state === 'string' ? message.state : 'failed') as RunState };
          return true;
        }
        if (typeof message?.text === 'string') {
          onChunk(message.text);
        }
        return false;
      },
      options.signal,
    );
    if (!end) {
      throw new TuringApiError({
        status: 0,
        title: 'Log stream ended',
        detail: 'The log stream closed before the run finished.',
      });
    }
    return end;
  }

  async runLog(id: string, options?: OwnerOptions): Promise<string> {
    const response = await this.connection.getDocument(forOwner(`${runPath(id)}/log`, options), 'text/plain');
    return response.text();
  }

  runOutput(id: string, format: 'ipynb', options?: OwnerOptions): Promise<NotebookContent>;
  runOutput(id: string, format: 'html', options?: OwnerOptions): Promise<string>;
  async runOutput(
    id: string,
    format: 'ipynb' | 'html',
    options?: OwnerOptions,
  ): Promise<NotebookContent | string> {
    const path = forOwner(`${runPath(id)}/output?format=${format}`, options);
    if (format === 'html') {
      return (await this.connection.getDocument(path, 'text/html')).text();
    }
    const response = await this.connection.getDocument(path, 'application/x-ipynb+json, application/json');
    const notebook = parseJson(await response.text());
    if (typeof notebook !== 'object' || notebook === null || Array.isArray(notebook)) {
      throw new TuringApiError({
        status: 200,
        title: 'Invalid response',
        detail: 'The run output is not a notebook.',
      });
    }
    return notebook as NotebookContent;
  }

  schedulePreview(cron: string, timezone: string, count = 5): Promise<SchedulePreview> {
    const query = new URLSearchParams({ cron, timezone, count: String(count) });
    return this.connection.request<SchedulePreview>('GET', `v1/schedule/preview?${query.toString()}`);
  }
}
