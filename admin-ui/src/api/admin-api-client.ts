import { XSRF_HEADER } from '@turing/client/lib/cookies';
import { TuringApiError } from '@turing/client/lib/errors';
import { checkResponse } from '@turing/client/lib/response-check';
import { xsrfToken } from '@turing/client/lib/xsrf-token';

import { adminErrorFromProblem } from './api-error';
import type { QueryValues } from './query-string';
import { queryString } from './query-string';
import type {
  AdminCatalog,
  AdminEnvironment,
  AdminJob,
  AdminModel,
  AdminRun,
  AuditEntry,
  CatalogEnvironment,
  GpuUsage,
  KubeSpawnerProfile,
  Me,
  Page,
  QuotaUsage,
  QuotasDocument,
  VersionedQuotas,
} from './types';

/** Options of {@link AdminApiClient}. */
export interface AdminApiClientOptions {
  /** The API root, ending in `/`, e.g. `/services/turing/api/v1/`. */
  apiUrl: string;
  /** The service's URL, ending in `/`; run links are relative to it. */
  serviceUrl: string;
  /** Where the user logs in to the hub again, returning to this page. */
  loginUrl: string;
  fetch?: typeof fetch;
  /** The page's cookies; defaults to `document.cookie`. */
  cookies?: () => string;
}

/** How one request is sent. */
interface RequestOptions {
  body?: unknown;
  /** The version the edit is based on, sent as `If-Match: "<version>"`. */
  ifMatch?: string;
  query?: QueryValues;
}

/** A JSON answer with the version its `ETag` names. */
interface Answer<T> {
  data: T;
  etag: string | undefined;
}

/** The unquoted version of an `ETag` (`W/"12"` -> `12`). */
export function versionFromEtag(etag: string | null): string | undefined {
  if (!etag) {
    return undefined;
  }
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/**
 * The admin pages' one connection to hub-proxy: same-origin `fetch` with the
 * service's cookie, the anti-CSRF header on writes (from the `turing-xsrf`
 * cookie; one GET runs the silent login when it is missing), `If-Match` on
 * versioned writes, and problem+json turned into an `AdminApiError`.
 */
export class AdminApiClient {
  readonly apiUrl: string;
  readonly serviceUrl: string;
  readonly loginUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly cookies: () => string;

  constructor(options: AdminApiClientOptions) {
    this.apiUrl = options.apiUrl;
    this.serviceUrl = options.serviceUrl;
    this.loginUrl = options.loginUrl;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.cookies = options.cookies ?? (() => document.cookie);
  }

  /** The URL of an API path below `api/v1/` with its query. */
  url(path: string, query: QueryValues = {}): string {
    return `${this.apiUrl}${path}${queryString(query)}`;
  }

  /** The URL of a path relative to the service (a run's `links`). */
  serviceLink(path: string): string {
    return /^(https?:)?\//.test(path) ? path : `${this.serviceUrl}${path}`;
  }

  me(): Promise<Me> {
    return this.json<Me>('GET', 'me');
  }

  // ---- environments ----

  async catalog(): Promise<AdminCatalog> {
    const { data, etag } = await this.send<AdminCatalog>('GET', 'admin/environments');
    return { ...data, version: data.version ?? versionFromEtag(etag ?? null) };
  }

  async createEnvironment(
    environment: CatalogEnvironment,
    version: string,
  ): Promise<Versioned<AdminEnvironment>> {
    const { data } = await this.send<Versioned<AdminEnvironment>>('POST', 'admin/environments', {
      body: environment,
      ifMatch: version,
    });
    return data;
  }

  async replaceEnvironment(
    id: string,
    environment: CatalogEnvironment,
    version: string,
  ): Promise<Versioned<AdminEnvironment>> {
    const { data } = await this.send<Versioned<AdminEnvironment>>(
      'PUT',
      `admin/environments/${encodeURIComponent(id)}`,
      { body: environment, ifMatch: version },
    );
    return data;
  }

  async deleteEnvironment(id: string, version: string): Promise<{ version: string }> {
    const { data } = await this.send<{ version: string }>(
      'DELETE',
      `admin/environments/${encodeURIComponent(id)}`,
      {
        ifMatch: version,
      },
    );
    return data;
  }

  async previewEnvironment(environment: CatalogEnvironment): Promise<KubeSpawnerProfile> {
    const { profile } = await this.json<{ profile: KubeSpawnerProfile }>(
      'POST',
      'admin/environments/preview',
      {
        body: environment,
      },
    );
    return profile;
  }

  // ---- quotas ----

  async quotas(): Promise<VersionedQuotas> {
    const { data, etag } = await this.send<VersionedQuotas>('GET', 'admin/quotas');
    return { ...data, version: data.version ?? versionFromEtag(etag ?? null) };
  }

  replaceQuotas(document: QuotasDocument, version: string): Promise<VersionedQuotas> {
    return this.json<VersionedQuotas>('PUT', 'admin/quotas', { body: document, ifMatch: version });
  }

  quotaUsage(user: string): Promise<QuotaUsage> {
    return this.json<QuotaUsage>('GET', 'admin/quotas/usage', { query: { user } });
  }

  // ---- jobs and runs ----

  runs(query: QueryValues): Promise<Page<AdminRun>> {
    return this.json<Page<AdminRun>>('GET', 'admin/runs', { query });
  }

  jobs(query: QueryValues): Promise<Page<AdminJob>> {
    return this.json<Page<AdminJob>>('GET', 'admin/jobs', { query });
  }

  cancelRun(id: string, owner: string): Promise<unknown> {
    return this.json('DELETE', `runs/${encodeURIComponent(id)}`, { query: { user: owner } });
  }

  /** Pauses (`suspend: true`) or resumes a job's schedule. */
  setJobSuspended(name: string, owner: string, suspend: boolean): Promise<unknown> {
    return this.json('PATCH', `jobs/${encodeURIComponent(name)}`, {
      query: { user: owner },
      body: { suspend },
    });
  }

  // ---- models ----

  models(user?: string): Promise<{ items: AdminModel[] }> {
    return this.json<{ items: AdminModel[] }>('GET', 'admin/models', { query: { user } });
  }

  scaleModel(name: string, replicas: { min: number; max: number }): Promise<unknown> {
    return this.json('PATCH', `models/${encodeURIComponent(name)}`, { body: { replicas } });
  }

  setModelDisabled(name: string, disabled: boolean): Promise<unknown> {
    return this.json('PATCH', `models/${encodeURIComponent(name)}`, { body: { disabled } });
  }

  revokeApiKey(model: string, id: string): Promise<unknown> {
    return this.json('DELETE', `models/${encodeURIComponent(model)}/api-keys/${encodeURIComponent(id)}`);
  }

  // ---- GPUs and audit ----

  gpuUsage(): Promise<GpuUsage> {
    return this.json<GpuUsage>('GET', 'admin/gpu-usage');
  }

  audit(query: QueryValues): Promise<Page<AuditEntry>> {
    return this.json<Page<AuditEntry>>('GET', 'admin/audit', { query });
  }

  /** The JSON lines export of the audit entries the filters select (a download link). */
  auditExportUrl(query: QueryValues): string {
    return this.url('admin/audit/export', query);
  }

  // ---- transport ----

  private async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.send<T>(method, path, options)).data;
  }

  private async send<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const init: RequestInit = { method, headers, credentials: 'same-origin', redirect: 'follow' };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    if (options.ifMatch !== undefined) {
      headers['If-Match'] = `"${options.ifMatch}"`;
    }
    if (!['GET', 'HEAD'].includes(method)) {
      headers[XSRF_HEADER] = await xsrfToken(this.cookies, () => this.me());
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(path, options.query), init);
    } catch (error) {
      throw new TuringApiError({
        status: 0,
        title: 'Network error',
        detail: `The Turing service could not be reached (${error instanceof Error ? error.message : String(error)}).`,
      });
    }
    await this.check(response);
    const text = response.status === 204 ? '' : await response.text();
    let data: T;
    try {
      data = (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new TuringApiError({
        status: response.status,
        title: 'Invalid response',
        detail: 'The Turing service answered with something that is not JSON.',
      });
    }
    return { data, etag: versionFromEtag(response.headers.get('etag')) };
  }

  /** Throws for the hub's login page (HTML) and for error statuses (as `AdminApiError`). */
  private check(response: Response): Promise<void> {
    return checkResponse(response, {
      loginUrl: this.loginUrl,
      where: this.apiUrl,
      toError: adminErrorFromProblem,
    });
  }
}

/** A write's answer: the new version and the item. */
export interface Versioned<T> {
  version: string;
  item: T;
}
