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

/** Options of {@link IJobsClient.followRunLog}. */
export interface FollowOptions {
  /** Stops reading the stream (the promise rejects with an `AbortError`). */
  signal?: AbortSignal;
}

/** The notebook jobs part of the hub-proxy API: jobs, their runs and schedule previews. */
export interface IJobsClient {
  /** `GET /api/v1/jobs`: the caller's jobs. */
  list(): Promise<JobList>;
  /** `GET /api/v1/jobs/{name}`. */
  get(name: string): Promise<Job>;
  /** `POST /api/v1/jobs`: creates a job (the notebook content becomes its input snapshot). */
  create(body: CreateJobRequest): Promise<Job>;
  /** `PATCH /api/v1/jobs/{name}`: changes some fields; `notebook` replaces the input snapshot. */
  update(name: string, patch: UpdateJobRequest): Promise<Job>;
  /** `DELETE /api/v1/jobs/{name}`: deletes the job with its runs and artifacts. */
  delete(name: string): Promise<void>;
  /** `POST /api/v1/jobs/{name}/runs`: starts a run now, optionally overriding parameters. */
  run(name: string, parameters?: Record<string, JsonValue>): Promise<Run>;
  /** `GET /api/v1/jobs/{name}/runs`: the job's runs, newest first. */
  listRuns(name: string): Promise<RunList>;
  /** `GET /api/v1/runs/{id}`. */
  getRun(id: string): Promise<Run>;
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

/** The API path of a job, below `/api/`. */
function jobPath(name: string): string {
  return `v1/jobs/${encodeURIComponent(name)}`;
}

/** The API path of a run, below `/api/`. */
function runPath(id: string): string {
  return `v1/runs/${encodeURIComponent(id)}`;
}

/** {@link IJobsClient} over the page's {@link ITuringConnection}. */
export class JobsClient implements IJobsClient {
  constructor(private readonly connection: ITuringConnection) {}

  list(): Promise<JobList> {
    return this.connection.request<JobList>('GET', 'v1/jobs');
  }

  get(name: string): Promise<Job> {
    return this.connection.request<Job>('GET', jobPath(name));
  }

  create(body: CreateJobRequest): Promise<Job> {
    return this.connection.request<Job>('POST', 'v1/jobs', body);
  }

  update(name: string, patch: UpdateJobRequest): Promise<Job> {
    return this.connection.request<Job>('PATCH', jobPath(name), patch);
  }

  async delete(name: string): Promise<void> {
    await this.connection.request<undefined>('DELETE', jobPath(name));
  }

  run(name: string, parameters?: Record<string, JsonValue>): Promise<Run> {
    const body: RunJobRequest = parameters ? { parameters } : {};
    return this.connection.request<Run>('POST', `${jobPath(name)}/runs`, body);
  }

  listRuns(name: string): Promise<RunList> {
    return this.connection.request<RunList>('GET', `${jobPath(name)}/runs`);
  }

  getRun(id: string): Promise<Run> {
    return this.connection.request<Run>('GET', runPath(id));
  }

  cancelRun(id: string): Promise<Run> {
    return this.connection.request<Run>('DELETE', runPath(id));
  }

  async followRunLog(
    id: string,
    onChunk: (text: string) => void,
    options: FollowOptions = {},
  ): Promise<RunLogEnd> {
    let end: RunLogEnd | undefined;
    await this.connection.readEvents(
      `api/${runPath(id)}/log?follow=1`,
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

  async runLog(id: string): Promise<string> {
    const response = await this.connection.getDocument(`${runPath(id)}/log`, 'text/plain');
    return response.text();
  }

  runOutput(id: string, format: 'ipynb'): Promise<NotebookContent>;
  runOutput(id: string, format: 'html'): Promise<string>;
  async runOutput(id: string, format: 'ipynb' | 'html'): Promise<NotebookContent | string> {
    const path = `${runPath(id)}/output?format=${format}`;
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
