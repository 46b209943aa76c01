import type { Environment, WireEnvironment, WireEnvironmentsResponse } from '@turing/client';

const resources = { cpu: { default: '2', max: '8' }, memory: { default: '8Gi', max: '32Gi' } };

/** A GPU environment with every field the API has. */
export const torchEnvironment = {
  id: 'torch-2.5-cuda12',
  default: true,
  displayName: 'PyTorch 2.5 (CUDA 12.4)',
  description: 'PyTorch with CUDA for training',
  image: 'registry.example/turing/torch:2.5-cuda12.4',
  versions: { python: '3.11', cuda: '12.4', cudnn: '9.1', frameworks: { pytorch: '2.5.1' } },
  gpu: { vendor: 'nvidia', resource: 'nvidia.com/gpu', counts: [1, 2, 4], types: ['a100', 't4'] },
  resources,
  tags: ['training'],
} satisfies WireEnvironment;

/** A second GPU environment, on T4s only. */
export const tfEnvironment = {
  id: 'tf-2.16-cuda12',
  default: false,
  displayName: 'TensorFlow 2.16',
  description: 'TensorFlow and Keras',
  image: 'registry.example/turing/tf:2.16',
  versions: {
    python: '3.11',
    cuda: '12.3',
    cudnn: '8.9',
    frameworks: { tensorflow: '2.16.2', keras: '3.3' },
  },
  gpu: { vendor: 'nvidia', resource: 'nvidia.com/gpu', counts: [1, 2], types: ['t4'] },
  resources,
  tags: [],
} satisfies WireEnvironment;

/** A CPU-only environment. */
export const cpuEnvironment = {
  id: 'cpu-sklearn',
  default: false,
  displayName: 'Data science (CPU)',
  description: 'pandas, scikit-learn, xgboost',
  image: 'registry.example/turing/cpu:1',
  versions: { python: '3.12', frameworks: { sklearn: '1.5', xgboost: '2.1' } },
  resources,
  tags: ['tabular'],
} satisfies WireEnvironment;

/**
 * `GET /api/v1/environments` as hub-proxy answers it: two GPU environments
 * and one CPU one, live GPU availability, the quota and the caller's servers.
 */
export const environmentsResponse = {
  environments: [torchEnvironment, tfEnvironment, cpuEnvironment],
  gpus: {
    available: true,
    types: [
      {
        type: 'a100',
        displayName: 'A100',
        product: 'NVIDIA-A100-SXM4-80GB',
        free: 3,
        allocatable: 8,
        largestFreeOnOneNode: 2,
      },
      { type: 't4', displayName: 'T4', product: null, free: 1, allocatable: 4, largestFreeOnOneNode: 1 },
    ],
  },
  quota: { maxGpus: 4, usedGpus: 3, remainingGpus: 1 },
  current: { environment: 'torch-2.5-cuda12', gpus: 1, gpuType: 'a100' },
  servers: [
    { serverName: '', environment: 'torch-2.5-cuda12', gpus: 1, gpuType: 'a100', ready: true, pending: null },
    {
      serverName: 'exp-1',
      environment: 'tf-2.16-cuda12',
      gpus: 2,
      gpuType: 't4',
      ready: false,
      pending: 'spawn',
    },
  ],
} satisfies WireEnvironmentsResponse;

const wireCatalog: WireEnvironment[] = environmentsResponse.environments;
const gpuNames = new Map(environmentsResponse.gpus.types.map((t) => [t.type, t.displayName]));

/**
 * The catalog as the panel sees it: each GPU type named from `gpus.types`
 * (what the client's `normalizeEnvironments` does; the contract test checks it).
 */
export const catalog: Environment[] = wireCatalog.map(({ gpu, ...env }) =>
  gpu
    ? { ...env, gpu: { ...gpu, types: gpu.types.map((id) => ({ id, displayName: gpuNames.get(id) ?? id })) } }
    : env,
);
