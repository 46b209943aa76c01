import { XSRF_COOKIE, XSRF_HEADER, readCookie } from './cookies';
import { TuringApiError, TuringLoginRequiredError, errorFromProblem } from './errors';
import { normalizeEnvironments } from './normalize';
import { readEventStream } from './sse';
import type { FollowOptions, ITuringClient, SpawnProgressOptions } from './tokens';
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
  RunState,
  SchedulePreview,
  SpawnProgressEvent,
  SwitchEnvironmentRequest,
  SwitchEnvironmentResponse,
  UpdateJobRequest,
} from './types';
import type { HubContext } from './urls';
import { serviceUrl } from './urls';

/** Options of {@link TuringClient}. */
export interface TuringClientOptions {
  /** Where the page runs inside JupyterHub. */
  hub: HubContext;
  /** The service name (the `/services/<name>/` segment). Default `turing`. */
  serviceName?: string;
  /** Where to send the user to log in again. */
  loginUrl: string;
  /** The fetch implementation; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Returns the page's cookies; defaults to `document.cookie`. */
  cookies?: () => string;
}

function isHtml(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().includes('text/html');
}

/**
 * Whether an HTML answer to a request for HTML is the hub's login form rather
 * than the document: the silent login ends elsewhere than the requested path.
 */
function endedElsewhere(response: Response, requested: string): boolean {
  if (!response.url) {
    return false;
  }
  const path = (url: string) => new URL(url, 'http://origin.invalid').pathname;
  return path(response.url) !== path(requested);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * The one hub-proxy API client of a JupyterLab page. Same-origin `fetch` with
 * the service's OAuth cookie (obtained through the silent login on GETs), the
 * anti-CSRF header on writes, and problem+json turned into {@link TuringApiError}.
 */
export class TuringClient implements ITuringClient {
  readonly hub: HubContext;
  readonly serviceUrl: string;
  private readonly loginUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly cookies: () => string;

  constructor(options: TuringClientOptions) {
    this.hub = options.hub;
    this.serviceUrl = serviceUrl(options.hub, options.serviceName);
    this.loginUrl = options.loginUrl;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.cookies = options.cookies ?? (() => document.cookie);
  }

  me(): Promise<Me> {
    return this.request<Me>('GET', 'v1/me');
  }

  async environments(): Promise<EnvironmentsResponse> {
    return normalizeEnvironments(
      await this.request<Parameters<typeof normalizeEnvironments>[0]>('GET', 'v1/environments'),
    );
  }

  switchEnvironment(body: SwitchEnvironmentRequest): Promise<SwitchEnvironmentResponse> {
    return this.request<SwitchEnvironmentResponse>('POST', 'v1/me/server', body);
  }

  async spawnProgress(
    progressUrl: string,
    onEvent: (event: SpawnProgressEvent) => void,
    options: SpawnProgressOptions = {},
  ): Promise<SpawnProgressEvent> {
    const url = /^(https?:)?\//.test(progressUrl) ? progressUrl : this.serviceUrl + progressUrl;
    const response = await this.openStream(url, options.signal);
    let final: SpawnProgressEvent | undefined;
    await readEventStream(response, (data) => {
      const event = parseJson(data);
      if (typeof event !== 'object' || event === null) {
        return false;
      }
      onEvent(event as SpawnProgressEvent);
      if ((event as SpawnProgressEvent).ready || (event as SpawnProgressEvent).failed) {
        final = event as SpawnProgressEvent;
        return true;
      }
      return false;
    });
    if (!final) {
      throw new TuringApiError({
        status: 0,
        title: 'Progress stream ended',
        detail: 'The server start stopped reporting progress before it was ready.',
      });
    }
    return final;
  }

  jobs(): Promise<JobList> {
    return this.request<JobList>('GET', 'v1/jobs');
  }

  createJob(body: CreateJobRequest): Promise<Job> {
    return this.request<Job>('POST', 'v1/jobs', body);
  }

  job(name: string): Promise<Job> {
    return this.request<Job>('GET', `v1/jobs/${encodeURIComponent(name)}`);
  }

  updateJob(name: string, patch: UpdateJobRequest): Promise<Job> {
    return this.request<Job>('PATCH', `v1/jobs/${encodeURIComponent(name)}`, patch);
  }

  async deleteJob(name: string): Promise<void> {
    await this.request<undefined>('DELETE', `v1/jobs/${encodeURIComponent(name)}`);
  }

  runJob(name: string, parameters?: Record<string, JsonValue>): Promise<Run> {
    return this.request<Run>(
      'POST',
      `v1/jobs/${encodeURIComponent(name)}/runs`,
      parameters ? { parameters } : {},
    );
  }

  jobRuns(name: string): Promise<RunList> {
    return this.request<RunList>('GET', `v1/jobs/${encodeURIComponent(name)}/runs`);
  }

  run(id: string): Promise<Run> {
    return this.request<Run>('GET', `v1/runs/${encodeURIComponent(id)}`);
  }

  cancelRun(id: string): Promise<Run> {
    return this.request<Run>('DELETE', `v1/runs/${encodeURIComponent(id)}`);
  }

  async followRunLog(
    id: string,
    onChunk: (text: string) => void,
    options: FollowOptions = {},
  ): Promise<RunLogEnd> {
    const url = `${this.serviceUrl}api/v1/runs/${encodeURIComponent(id)}/log?follow=1`;
    const response = await this.openStream(url, options.signal);
    let end: RunLogEnd | undefined;
    await readEventStream(response, (data, event) => {
      const message = parseJson(data) as { text?: unknown; state?: unknown } | undefined;
      if (event === 'end') {
        end = { state: (typeof message?.state === 'string' ? message.state : 'failed') as RunState };
        return true;
      }
      if (typeof message?.text === 'string') {
        onChunk(message.text);
      }
      return false;
    });
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
    const response = await this.get(`v1/runs/${encodeURIComponent(id)}/log`, 'text/plain');
    return response.text();
  }

  runOutput(id: string, format: 'ipynb'): Promise<NotebookContent>;
  runOutput(id: string, format: 'html'): Promise<string>;
  async runOutput(id: string, format: 'ipynb' | 'html'): Promise<NotebookContent | string> {
    const path = `v1/runs/${encodeURIComponent(id)}/output?format=${format}`;
    if (format === 'html') {
      return (await this.get(path, 'text/html')).text();
    }
    const text = await (await this.get(path, 'application/x-ipynb+json, application/json')).text();
    const notebook = parseJson(text);
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
    return this.request<SchedulePreview>('GET', `v1/schedule/preview?${query.toString()}`);
  }

  /** Sends one API request (`path` is below `/api/`) and parses its JSON answer. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) {
      headers[XSRF_HEADER] = await this.xsrfToken();
    }
    const response = await this.send(`${this.serviceUrl}api/${path}`, init);
    await this.check(response);
    if (response.status === 204) {
      return undefined as T;
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new TuringApiError({
        status: response.status,
        title: 'Invalid response',
        detail: 'The Turing service answered with something that is not JSON.',
      });
    }
  }

  /** Opens a `text/event-stream` GET and checks its status. */
  private async openStream(url: string, signal: AbortSignal | undefined): Promise<Response> {
    const init: RequestInit = { method: 'GET', headers: { Accept: 'text/event-stream' } };
    if (signal) {
      init.signal = signal;
    }
    const response = await this.send(url, init);
    await this.check(response);
    return response;
  }

  /**
   * A GET below `/api/` whose answer is not JSON (text, HTML, a notebook).
   * When HTML is what was asked for, an HTML answer is the login page only if
   * the request ended on another path.
   */
  private async get(path: string, accept: string): Promise<Response> {
    const url = `${this.serviceUrl}api/${path}`;
    const response = await this.send(url, { method: 'GET', headers: { Accept: accept } });
    if (accept === 'text/html' && response.ok && !endedElsewhere(response, url)) {
      return response;
    }
    await this.check(response);
    return response;
  }

  /**
   * The anti-CSRF token. The cookie appears with the first login; if it is
   * missing, one GET runs the silent login first.
   */
  private async xsrfToken(): Promise<string> {
    let token = readCookie(this.cookies(), XSRF_COOKIE);
    if (token === undefined) {
      await this.me();
      token = readCookie(this.cookies(), XSRF_COOKIE);
    }
    return token ?? '';
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(url, { ...init, credentials: 'same-origin', redirect: 'follow' });
    } catch (error) {
      if (isAbort(error)) {
        throw error;
      }
      throw new TuringApiError({
        status: 0,
        title: 'Network error',
        detail: `The Turing service could not be reached (${error instanceof Error ? error.message : String(error)}).`,
      });
    }
  }

  /** Throws for the login page (HTML) and for error statuses. */
  private async check(response: Response): Promise<void> {
    if (isHtml(response)) {
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) {
        // The silent login ended on the hub's login form: the hub session is gone.
        throw new TuringLoginRequiredError(this.loginUrl);
      }
      throw new TuringApiError({
        status: response.status,
        title: response.statusText || `HTTP ${response.status}`,
        detail: `The Turing service did not answer at ${response.url || this.serviceUrl}.`,
      });
    }
    if (response.ok) {
      return;
    }
    const text = await response.text().catch(() => '');
    let body: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    throw errorFromProblem(response.status, response.statusText, body);
  }
}
