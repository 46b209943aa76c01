import type { SwitchEnvironmentRequest, SwitchEnvironmentResponse } from '@turing/client';

/** The body the panel sends to start a named server with two T4 GPUs (every field). */
export const switchRequest = {
  environment: 'tf-2.16-cuda12',
  gpus: 2,
  gpuType: 't4',
  serverName: 'exp-1',
} satisfies SwitchEnvironmentRequest;

/** hub-proxy's `202` answer to {@link switchRequest}. */
export const switchResponse = {
  serverName: 'exp-1',
  environment: 'tf-2.16-cuda12',
  gpus: 2,
  gpuType: 't4',
  userOptions: { profile: 'tf-2.16-cuda12', gpus: '2', gpu_type: 't4' },
  restarted: false,
  progressUrl: '/services/turing/api/v1/me/server/progress?serverName=exp-1',
} satisfies SwitchEnvironmentResponse;
