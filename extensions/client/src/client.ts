import type { ITuringConnection, TuringConnectionOptions } from './connection';
import { TuringConnection } from './connection';
import type { IEnvironmentsClient } from './environments-client';
import { EnvironmentsClient } from './environments-client';
import type { IJobsClient } from './jobs-client';
import { JobsClient } from './jobs-client';
import type { IModelsClient } from './models-client';
import { ModelsClient } from './models-client';
import type { ITuringClient } from './tokens';
import type { Me } from './types';

/** Options of {@link TuringClient}: those of its {@link TuringConnection}. */
export type TuringClientOptions = TuringConnectionOptions;

/**
 * The one hub-proxy API client of a JupyterLab page: one
 * {@link TuringConnection} shared by a sub-client per feature, as
 * JupyterLab's `ServiceManager` groups its managers.
 */
export class TuringClient implements ITuringClient {
  readonly connection: ITuringConnection;
  readonly environments: IEnvironmentsClient;
  readonly jobs: IJobsClient;
  readonly models: IModelsClient;

  constructor(options: TuringClientOptions) {
    this.connection = new TuringConnection(options);
    this.environments = new EnvironmentsClient(this.connection);
    this.jobs = new JobsClient(this.connection);
    this.models = new ModelsClient(this.connection);
  }

  me(): Promise<Me> {
    return this.connection.request<Me>('GET', 'v1/me');
  }
}
