import { XSRF_HEADER } from './cookies';
import { TuringApiError, errorFromProblem } from './errors';
import { checkResponse } from './response-check';
import { readEventStream } from './sse';
import type { HubContext } from './urls';
import { serviceUrl } from './urls';
import { xsrfToken } from './xsrf-token';

/** Options of {@link TuringConnection}. */
export interface TuringConnectionOptions {
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

/**
 * What every sub-client of the Turing client shares, as JupyterLab's
 * `ServerConnection.ISettings` is shared by its managers: where hub-proxy is,
 * the silent login and anti-CSRF handling, problem+json errors and streams.
 * Every method rejects with a `TuringApiError` (a `TuringLoginRequiredError`
 * when the user must log in to the hub again).
 */
export interface ITuringConnection {
  /** Where this page runs inside JupyterHub. */
  readonly hub: HubContext;
  /** The service's URL, ending in `/`, e.g. `/services/turing/`. */
  readonly serviceUrl: string;
  /** Where the user logs in to the hub again, returning to this page. */
  readonly loginUrl: string;
  /** Sends one API request (`path` is below `/api/`, e.g. `v1/jobs`) and parses its JSON answer. */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /**
   * A GET below `/api/` whose answer is not JSON (text, HTML, a notebook),
   * checked like {@link ITuringConnection.request}. When HTML is asked for, an
   * HTML answer is the login page only if the request ended on another path.
   */
  getDocument(path: string, accept: string): Promise<Response>;
  /**
   * Reads a `text/event-stream` GET (`url` absolute, or relative to the
   * service URL), calling `onEvent` with each event's JSON data (`undefined`
   * when it is not JSON) and name until it returns `true`. Resolves with
   * whether `onEvent` stopped the reading, `false` when the stream ended first.
   */
  readEvents(
    url: string,
    onEvent: (data: unknown, event: string) => boolean,
    signal?: AbortSignal,
  ): Promise<boolean>;
}

/** Parses JSON text; `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
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

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * The page's one connection to hub-proxy. Same-origin `fetch` with the
 * service's OAuth cookie (obtained through the silent login on GETs), the
 * anti-CSRF header on writes, and problem+json turned into {@link TuringApiError}.
 */
export class TuringConnection implements ITuringConnection {
  readonly hub: HubContext;
  readonly serviceUrl: string;
  readonly loginUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly cookies: () => string;

  constructor(options: TuringConnectionOptions) {
    this.hub = options.hub;
    this.serviceUrl = serviceUrl(options.hub, options.serviceName);
    this.loginUrl = options.loginUrl;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.cookies = options.cookies ?? (() => document.cookie);
  }

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

  async getDocument(path: string, accept: string): Promise<Response> {
    const url = `${this.serviceUrl}api/${path}`;
    const response = await this.send(url, { method: 'GET', headers: { Accept: accept } });
    if (accept === 'text/html' && response.ok && !endedElsewhere(response, url)) {
      return response;
    }
    await this.check(response);
    return response;
  }

  async readEvents(
    url: string,
    onEvent: (data: unknown, event: string) => boolean,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const absolute = /^(https?:)?\//.test(url) ? url : this.serviceUrl + url;
    const init: RequestInit = { method: 'GET', headers: { Accept: 'text/event-stream' } };
    if (signal) {
      init.signal = signal;
    }
    const response = await this.send(absolute, init);
    await this.check(response);
    return readEventStream(response, (data, event) => onEvent(parseJson(data), event));
  }

  /** The anti-CSRF token; a missing cookie runs the silent login (one GET) first. */
  private xsrfToken(): Promise<string> {
    return xsrfToken(this.cookies, () => this.request('GET', 'v1/me'));
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
  private check(response: Response): Promise<void> {
    return checkResponse(response, {
      loginUrl: this.loginUrl,
      where: this.serviceUrl,
      toError: errorFromProblem,
    });
  }
}
