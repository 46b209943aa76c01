import type { Environment, SwitchEnvironmentRequest } from '@turing/client';

/** What the user picked. */
export interface SwitchChoice {
  environment: Environment;
  gpus: number;
  gpuType?: string | undefined;
}

/**
 * The body of `POST /api/v1/me/server` for a choice: the GPU type only with
 * GPUs, the server name only for a named server.
 */
export function switchRequest(choice: SwitchChoice, serverName: string): SwitchEnvironmentRequest {
  const body: SwitchEnvironmentRequest = { environment: choice.environment.id, gpus: choice.gpus };
  if (choice.gpus > 0 && choice.gpuType) {
    body.gpuType = choice.gpuType;
  }
  if (serverName) {
    body.serverName = serverName;
  }
  return body;
}
