import { Token } from '@lumino/coreutils';

import type {
  EnvironmentsResponse,
  Me,
  SpawnProgressEvent,
  SwitchEnvironmentRequest,
  SwitchEnvironmentResponse,
} from './types';
import type { HubContext } from './urls';

/** Options of {@link ITuringClient.spawnProgress}. */
export interface SpawnProgressOptions {
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
}

/** The token of the page's single {@link ITuringClient}. */
export const ITuringClient = new Token<ITuringClient>(
  '@turing/client:ITuringClient',
  'The typed client of the Turing hub-proxy API.',
);
