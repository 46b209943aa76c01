import { Token } from '@lumino/coreutils';

import type { ITuringConnection } from './connection';
import type { IEnvironmentsClient } from './environments-client';
import type { IJobsClient } from './jobs-client';
import type { IModelsClient } from './models-client';
import type { Me } from './types';

/**
 * The typed hub-proxy API client: one sub-client per feature over one shared
 * {@link ITuringConnection}. Every method rejects with a `TuringApiError` (a
 * `TuringLoginRequiredError` when the user must log in to the hub again).
 */
export interface ITuringClient {
  /** Where hub-proxy is and how it is called (hub context, service URL, XSRF, errors, streams). */
  readonly connection: ITuringConnection;
  /** `GET /api/v1/me`: the caller. */
  me(): Promise<Me>;
  /** The environment catalog and switching servers into an environment. */
  readonly environments: IEnvironmentsClient;
  /** Notebook jobs, their runs and schedule previews. */
  readonly jobs: IJobsClient;
  /** Served models: versions, uploads, traffic, API keys and predictions through the gateway. */
  readonly models: IModelsClient;
}

/** The token of the page's single {@link ITuringClient}. */
export const ITuringClient = new Token<ITuringClient>(
  '@turing/client:ITuringClient',
  'The typed client of the Turing hub-proxy API.',
);
