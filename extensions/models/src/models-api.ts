import type { IModelsClient, ITuringClient } from '@turing/client';
import { ModelsClient } from '@turing/client';

const made = new WeakMap<ITuringClient, IModelsClient>();

/**
 * The models sub-client of the page's one API client: `client.models` when
 * the client provides it, else one made over the client's shared connection
 * (same login, anti-CSRF handling and errors), once per client.
 */
export function modelsOf(client: ITuringClient): IModelsClient {
  const own = (client as ITuringClient & { models?: IModelsClient }).models;
  if (own) {
    return own;
  }
  let models = made.get(client);
  if (!models) {
    models = new ModelsClient(client.connection);
    made.set(client, models);
  }
  return models;
}
