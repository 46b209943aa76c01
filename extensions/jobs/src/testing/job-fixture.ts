import type { Environment, Job } from '@turing/client';

/** A CPU and a GPU environment, shaped like the catalog's. */
export const environments: Environment[] = [
  {
    id: 'cpu-base',
    displayName: 'Python (CPU)',
    description: 'pandas and friends',
    image: 'registry.example/turing/cpu:1',
    versions: { python: '3.12', frameworks: {} },
    resources: { cpu: { default: '1', max: '8' }, memory: { default: '2Gi', max: '32Gi' } },
    tags: [],
  },
  {
    id: 'torch',
    displayName: 'PyTorch (CUDA)',
    description: 'training',
    image: 'registry.example/turing/torch:2',
    versions: { python: '3.11', cuda: '12.4', frameworks: { pytorch: '2.5' } },
    gpu: { resource: 'nvidia.com/gpu', counts: [1, 2], types: [{ id: 't4', displayName: 'T4' }] },
    resources: { cpu: { default: '4', max: '16' }, memory: { default: '16Gi', max: '64Gi' } },
    tags: [],
  },
];

/** A scheduled job as hub-proxy answers it. */
export function scheduledJob(): Job {
  return {
    name: 'daily-ctr',
    owner: 'alice',
    notebook: {
      path: 'work/ctr.ipynb',
      digest: 'abc',
      sizeBytes: 1000,
      updatedAt: '2026-01-01T00:00:00Z',
      kernel: 'python3',
    },
    environment: 'torch',
    image: 'registry.example/turing/torch:2',
    resources: { cpu: '2', memory: '8Gi', gpus: 1, gpuType: 't4' },
    parameters: { date: '2026-11-28', n: 3 },
    schedule: {
      cron: '0 9 * * 1-5',
      timezone: 'Asia/Shanghai',
      description: 'At 09:00, Monday through Friday',
      nextRuns: ['2026-01-02T01:00:00Z'],
    },
    suspended: false,
    retries: 2,
    timeoutSeconds: 5400,
    concurrency: 'replace',
    dependsOn: ['etl'],
    alerts: [{ on: ['failure', 'timeout'], webhook: 'https://hooks.example/x' }],
    outputs: ['ipynb', 'html'],
    historyLimit: 20,
    state: 'scheduled',
    alertDeliveries: [],
    createdAt: '2026-01-01T00:00:00Z',
  };
}
