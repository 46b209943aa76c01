import type { ITuringConnection } from './connection';
import { parseJson } from './connection';
import { XSRF_COOKIE, XSRF_HEADER, readCookie } from './cookies';
import { TuringApiError, TuringLoginRequiredError, errorFromProblem } from './errors';
import type {
  BeginUploadRequest,
  CreateModelRequest,
  CreatedModelApiKey,
  GatewayProtocol,
  ModelApiKeyList,
  ModelFile,
  ModelList,
  ModelStats,
  ModelVersion,
  ModelVersionList,
  ModelView,
  PredictionResult,
  PublishRollout,
  ServingRuntimeList,
  TrafficRequest,
  UpdateModelRequest,
  UploadSession,
} from './model-types';
import type { UploadAnswer, UploadTransport } from './upload-transport';
import { fetchUploadTransport, xhrUploadTransport } from './upload-transport';
import type { UploadVersionOptions, VersionFileSource } from './version-upload';
import { uploadVersion } from './version-upload';

/** Options of {@link IModelsClient.uploadFile}. */
export interface UploadFileOptions {
  /** Bytes of this file sent so far, and its size. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/** Options of {@link IModelsClient.predict}. */
export interface PredictOptions {
  signal?: AbortSignal;
}

/**
 * The models part of the hub-proxy API: served models, the runtime catalog,
 * version uploads, traffic, API keys, logs and stats, and predictions
 * through the gateway.
 */
export interface IModelsClient {
  /** `GET /api/v1/models`: the caller's models. */
  list(): Promise<ModelList>;
  /** `GET /api/v1/models/runtimes`: the serving runtime catalog. */
  runtimes(): Promise<ServingRuntimeList>;
  /** `GET /api/v1/models/{name}`. */
  get(name: string): Promise<ModelView>;
  /** `POST /api/v1/models`: a model without versions yet. */
  create(body: CreateModelRequest): Promise<ModelView>;
  /** `PATCH /api/v1/models/{name}`. */
  update(name: string, patch: UpdateModelRequest): Promise<ModelView>;
  /** `DELETE /api/v1/models/{name}`: the model, its versions and everything serving it. */
  delete(name: string): Promise<void>;
  /** `GET /api/v1/models/{name}/versions`. */
  versions(name: string): Promise<ModelVersionList>;
  /** `POST /api/v1/models/{name}/uploads`: opens an upload of the next version. */
  beginUpload(name: string, body: BeginUploadRequest): Promise<UploadSession>;
  /** `PUT /api/v1/models/{name}/uploads/{uploadId}/files/{path}`: one file's raw bytes, with progress. */
  uploadFile(
    name: string,
    uploadId: string,
    path: string,
    body: Blob,
    options?: UploadFileOptions,
  ): Promise<ModelFile>;
  /** `POST /api/v1/models/{name}/uploads/{uploadId}/commit`: the upload becomes version N+1. */
  commitUpload(name: string, uploadId: string, rollout: PublishRollout): Promise<ModelVersion>;
  /**
   * Begin, every file, commit: uploads `files` as the model's next version,
   * checking the size limit before any byte is sent. See {@link uploadVersion}.
   */
  uploadVersion(
    name: string,
    files: readonly VersionFileSource[],
    rollout: PublishRollout,
    options?: UploadVersionOptions,
  ): Promise<ModelVersion>;
  /** `PUT /api/v1/models/{name}/traffic`: pin the stable version, set or clear the canary. */
  setTraffic(name: string, body: TrafficRequest): Promise<ModelView>;
  /** `POST /api/v1/models/{name}/traffic/promote`: the canary becomes the stable version. */
  promote(name: string): Promise<ModelView>;
  /** `POST /api/v1/models/{name}/traffic/rollback`: back to the previous split. */
  rollback(name: string): Promise<ModelView>;
  /** `GET /api/v1/models/{name}/api-keys`. */
  listApiKeys(name: string): Promise<ModelApiKeyList>;
  /** `POST /api/v1/models/{name}/api-keys`: the answer holds the key, shown this once. */
  createApiKey(name: string, label: string): Promise<CreatedModelApiKey>;
  /** `DELETE /api/v1/models/{name}/api-keys/{id}`. */
  revokeApiKey(name: string, id: string): Promise<void>;
  /** `GET /api/v1/models/{name}/logs?tailLines=`: the latest serving log lines, as text. */
  logs(name: string, tailLines?: number): Promise<string>;
  /** `GET /api/v1/models/{name}/stats`: the gateway's recent rate, p95 and errors. */
  stats(name: string): Promise<ModelStats>;
  /**
   * Sends a prediction through the gateway (`v1`: `:predict` with TF Serving
   * REST; `v2`: `/infer`, Open Inference Protocol) and answers whatever the
   * model or gateway said, with the latency and the served version. `body`
   * is sent as is when it is a string. Rejects only when no answer came or
   * the hub session has ended.
   */
  predict(
    name: string,
    protocol: GatewayProtocol,
    body: unknown,
    options?: PredictOptions,
  ): Promise<PredictionResult>;
  /** The gateway URL (path) of a model's prediction call. */
  predictUrl(name: string, protocol: GatewayProtocol): string;
}

/** Options of {@link ModelsClient}; the defaults are the page's. */
export interface ModelsClientOptions {
  /** For gateway calls; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Returns the page's cookies (for the anti-CSRF token); defaults to `document.cookie`. */
  cookies?: () => string;
  /** How file bytes are sent; defaults to XHR in browsers, a streamed `fetch` elsewhere. */
  upload?: UploadTransport;
}

/** The API path of a model, below `/api/`. */
function modelPath(name: string): string {
  return `v1/models/${encodeURIComponent(name)}`;
}

/** A relative file path as one URL segment (slashes encoded too): the server takes it as one parameter. */
export function encodeFilePath(path: string): string {
  return encodeURIComponent(path);
}

/**
 * The gateway path of a model's prediction call below a service URL ending in
 * `/`: `models/<m>/v1/models/<m>:predict` or `models/<m>/v2/models/<m>/infer`.
 */
export function modelPredictUrl(serviceUrl: string, name: string, protocol: GatewayProtocol): string {
  const m = encodeURIComponent(name);
  const base = `${serviceUrl}models/${m}/${protocol}/models/${m}`;
  return protocol === 'v1' ? `${base}:predict` : `${base}/infer`;
}

function isHtml(contentType: string): boolean {
  return contentType.toLowerCase().includes('text/html');
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** {@link IModelsClient} over the page's {@link ITuringConnection}. */
export class ModelsClient implements IModelsClient {
  private readonly fetchImpl: typeof fetch;
  private readonly cookies: () => string;
  private readonly transport: UploadTransport;

  constructor(
    private readonly connection: ITuringConnection,
    options: ModelsClientOptions = {},
  ) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.cookies = options.cookies ?? (() => document.cookie);
    this.transport =
      options.upload ??
      (typeof XMLHttpRequest !== 'undefined' ? xhrUploadTransport : fetchUploadTransport(this.fetchImpl));
  }

  list(): Promise<ModelList> {
    return this.connection.request<ModelList>('GET', 'v1/models');
  }

  runtimes(): Promise<ServingRuntimeList> {
    return this.connection.request<ServingRuntimeList>('GET', 'v1/models/runtimes');
  }

  get(name: string): Promise<ModelView> {
    return this.connection.request<ModelView>('GET', modelPath(name));
  }

  create(body: CreateModelRequest): Promise<ModelView> {
    return this.connection.request<ModelView>('POST', 'v1/models', body);
  }

  update(name: string, patch: UpdateModelRequest): Promise<ModelView> {
    return this.connection.request<ModelView>('PATCH', modelPath(name), patch);
  }

  async delete(name: string): Promise<void> {
    await this.connection.request<undefined>('DELETE', modelPath(name));
  }

  versions(name: string): Promise<ModelVersionList> {
    return this.connection.request<ModelVersionList>('GET', `${modelPath(name)}/versions`);
  }

  beginUpload(name: string, body: BeginUploadRequest): Promise<UploadSession> {
    return this.connection.request<UploadSession>('POST', `${modelPath(name)}/uploads`, body);
  }

  async uploadFile(
    name: string,
    uploadId: string,
    path: string,
    body: Blob,
    options: UploadFileOptions = {},
  ): Promise<ModelFile> {
    const url = `${this.connection.serviceUrl}api/${modelPath(name)}/uploads/${encodeURIComponent(
      uploadId,
    )}/files/${encodeFilePath(path)}`;
    const headers = {
      Accept: 'application/json',
      'Content-Type': 'application/octet-stream',
      [XSRF_HEADER]: await this.xsrfToken(),
    };
    let answer: UploadAnswer;
    try {
      answer = await this.transport({ method: 'PUT', url, headers, body, ...options });
    } catch (error) {
      throw this.networkError(error, 'The file could not be sent');
    }
    return this.parseAnswer<ModelFile>(answer);
  }

  commitUpload(name: string, uploadId: string, rollout: PublishRollout): Promise<ModelVersion> {
    return this.connection.request<ModelVersion>(
      'POST',
      `${modelPath(name)}/uploads/${encodeURIComponent(uploadId)}/commit`,
      { rollout },
    );
  }

  uploadVersion(
    name: string,
    files: readonly VersionFileSource[],
    rollout: PublishRollout,
    options: UploadVersionOptions = {},
  ): Promise<ModelVersion> {
    return uploadVersion(this, name, files, rollout, options);
  }

  setTraffic(name: string, body: TrafficRequest): Promise<ModelView> {
    return this.connection.request<ModelView>('PUT', `${modelPath(name)}/traffic`, body);
  }

  promote(name: string): Promise<ModelView> {
    return this.connection.request<ModelView>('POST', `${modelPath(name)}/traffic/promote`);
  }

  rollback(name: string): Promise<ModelView> {
    return this.connection.request<ModelView>('POST', `${modelPath(name)}/traffic/rollback`);
  }

  listApiKeys(name: string): Promise<ModelApiKeyList> {
    return this.connection.request<ModelApiKeyList>('GET', `${modelPath(name)}/api-keys`);
  }

  createApiKey(name: string, label: string): Promise<CreatedModelApiKey> {
    return this.connection.request<CreatedModelApiKey>('POST', `${modelPath(name)}/api-keys`, { label });
  }

  async revokeApiKey(name: string, id: string): Promise<void> {
    await this.connection.request<undefined>(
      'DELETE',
      `${modelPath(name)}/api-keys/${encodeURIComponent(id)}`,
    );
  }

  async logs(name: string, tailLines = 200): Promise<string> {
    const query = new URLSearchParams({ tailLines: String(tailLines) }).toString();
    const response = await this.connection.getDocument(`${modelPath(name)}/logs?${query}`, 'text/plain');
    return response.text();
  }

  stats(name: string): Promise<ModelStats> {
    return this.connection.request<ModelStats>('GET', `${modelPath(name)}/stats`);
  }

  predictUrl(name: string, protocol: GatewayProtocol): string {
    return modelPredictUrl(this.connection.serviceUrl, name, protocol);
  }

  async predict(
    name: string,
    protocol: GatewayProtocol,
    body: unknown,
    options: PredictOptions = {},
  ): Promise<PredictionResult> {
    const init: RequestInit = {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        [XSRF_HEADER]: await this.xsrfToken(),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      credentials: 'same-origin',
    };
    if (options.signal) {
      init.signal = options.signal;
    }
    const started = now();
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(this.predictUrl(name, protocol), init);
      text = await response.text();
    } catch (error) {
      throw this.networkError(error, 'The model could not be reached');
    }
    const latencyMs = now() - started;
    const contentType = response.headers.get('content-type') ?? '';
    if (isHtml(contentType) && response.ok) {
      throw new TuringLoginRequiredError(this.connection.loginUrl);
    }
    const parsed = contentType.includes('json') ? parseJson(text) : undefined;
    const result: PredictionResult = {
      status: response.status,
      ok: response.ok,
      latencyMs,
      contentType,
      body: parsed === undefined ? text : parsed,
    };
    const version = response.headers.get('x-turing-model-version');
    if (version) {
      result.servedVersion = version;
    }
    return result;
  }

  /** The anti-CSRF token; one GET runs the silent login first when the cookie is missing. */
  private async xsrfToken(): Promise<string> {
    let token = readCookie(this.cookies(), XSRF_COOKIE);
    if (token === undefined) {
      await this.connection.request('GET', 'v1/me');
      token = readCookie(this.cookies(), XSRF_COOKIE);
    }
    return token ?? '';
  }

  /** Aborts pass through; anything else becomes a status-0 {@link TuringApiError}. */
  private networkError(error: unknown, title: string): unknown {
    if (error instanceof Error && error.name === 'AbortError') {
      return error;
    }
    return new TuringApiError({
      status: 0,
      title,
      detail: error instanceof Error ? error.message : String(error),
    });
  }

  /** Checks an upload answer as the connection checks API answers, then parses its JSON. */
  private parseAnswer<T>(answer: UploadAnswer): T {
    if (isHtml(answer.contentType)) {
      if (answer.status >= 200 && answer.status < 300) {
        throw new TuringLoginRequiredError(this.connection.loginUrl);
      }
      throw new TuringApiError({
        status: answer.status,
        title: answer.statusText || `HTTP ${answer.status}`,
        detail: `The Turing service did not answer at ${answer.url || this.connection.serviceUrl}.`,
      });
    }
    const body = answer.contentType.includes('json') ? parseJson(answer.text) : answer.text;
    if (answer.status < 200 || answer.status >= 300) {
      throw errorFromProblem(answer.status, answer.statusText, body ?? answer.text);
    }
    if (typeof body !== 'object' || body === null) {
      throw new TuringApiError({
        status: answer.status,
        title: 'Invalid response',
        detail: 'The Turing service answered with something that is not JSON.',
      });
    }
    return body as T;
  }
}
