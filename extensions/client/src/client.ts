import { XSRF_COOKIE, XSRF_HEADER, readCookie } from './cookies';
import { TuringApiError, TuringLoginRequiredError, errorFromProblem } from './errors';
import { normalizeEnvironments } from './normalize';
import { EventStreamParser } from './sse';
import type { ITuringClient, SpawnProgressOptions } from './tokens';
import type {
  EnvironmentsResponse,
  Me,
  SpawnProgressEvent,
  SwitchEnvironmentRequest,
  SwitchEnvironmentResponse,
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
    const init: RequestInit = { method: 'GET', headers: { Accept: 'text/event-stream' } };
    if (options.signal) {
      init.signal = options.signal;
    }
    const response = await this.send(url, init);
    await this.check(response);

    let final: SpawnProgressEvent | undefined;
    const parser = new EventStreamParser((data) => {
      let event: SpawnProgressEvent;
      try {
        event = JSON.parse(data) as SpawnProgressEvent;
      } catch {
        return;
      }
      if (final || typeof event !== 'object' || event === null) {
        return;
      }
      onEvent(event);
      if (event.ready || event.failed) {
        final = event;
      }
    });
    if (!response.body) {
      parser.push(await response.text());
      parser.push('\n\n');
    } else {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      try {
        while (!final) {
          const { done, value } = await reader.read();
          if (done) {
            parser.push(decoder.decode());
            break;
          }
          parser.push(decoder.decode(value, { stream: true }));
        }
      } finally {
        if (final) {
          await reader.cancel().catch(() => undefined);
        }
      }
    }
    parser.end();
    if (!final) {
      throw new TuringApiError({
        status: 0,
        title: 'Progress stream ended',
        detail: 'The server start stopped reporting progress before it was ready.',
      });
    }
    return final;
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
