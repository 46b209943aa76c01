import type { ITuringConnection } from './connection';
import { TuringApiError } from './errors';
import { normalizeEnvironments } from './normalize';
import type {
  EnvironmentsResponse,
  SpawnProgressEvent,
  SwitchEnvironmentRequest,
  SwitchEnvironmentResponse,
  WireEnvironmentsResponse,
} from './types';

/** Options of {@link IEnvironmentsClient.spawnProgress}. */
export interface SpawnProgressOptions {
  /** Stops reading the stream (the promise rejects with an `AbortError`). */
  signal?: AbortSignal;
}

/**
 * The environments part of the hub-proxy API: the catalog with live GPU
 * availability, and (re)starting the caller's servers in an environment.
 */
export interface IEnvironmentsClient {
  /** `GET /api/v1/environments`: the catalog, live GPU availability and the caller's quota. */
  list(): Promise<EnvironmentsResponse>;
  /** `POST /api/v1/me/server`: (re)start a server in an environment; answers with its `progressUrl`. */
  switchServer(body: SwitchEnvironmentRequest): Promise<SwitchEnvironmentResponse>;
  /**
   * Reads a spawn progress stream, calling `onEvent` per event, and resolves
   * with the final event (`ready` or `failed`).
   */
  spawnProgress(
    progressUrl: string,
    onEvent: (event: SpawnProgressEvent) => void,
    options?: SpawnProgressOptions,
  ): Promise<SpawnProgressEvent>;
}

/** {@link IEnvironmentsClient} over the page's {@link ITuringConnection}. */
export class EnvironmentsClient implements IEnvironmentsClient {
  constructor(private readonly connection: ITuringConnection) {}

  async list(): Promise<EnvironmentsResponse> {
    return normalizeEnvironments(
      await this.connection.request<WireEnvironmentsResponse>('GET', 'v1/environments'),
    );
  }

  switchServer(body: SwitchEnvironmentRequest): Promise<SwitchEnvironmentResponse> {
    return this.connection.request<SwitchEnvironmentResponse>('POST', 'v1/me/server', body);
  }

  async spawnProgress(
    progressUrl: string,
    onEvent: (event: SpawnProgressEvent) => void,
    options: SpawnProgressOptions = {},
  ): Promise<SpawnProgressEvent> {
    let final: SpawnProgressEvent | undefined;
    await this.connection.readEvents(
      progressUrl,
      (data) => {
        if (typeof data !== 'object' || data === null) {
          return false;
        }
        const event = data as SpawnProgressEvent;
        onEvent(event);
        if (event.ready || event.failed) {
          final = event;
          return true;
        }
        return false;
      },
      options.signal,
    );
    if (!final) {
      throw new TuringApiError({
        status: 0,
        title: 'Progress stream ended',
        detail: 'The server start stopped reporting progress before it was ready.',
      });
    }
    return final;
  }
}
