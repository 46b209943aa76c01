import type { Environment } from '@turing/client';

/** A small catalog for the unit tests: two GPU environments and one CPU one. */
const resources = { cpu: { default: '2', max: '8' }, memory: { default: '8Gi', max: '32Gi' } };

export const catalog: Environment[] = [
  {
    id: 'torch-2.5-cuda12',
    displayName: 'PyTorch 2.5 (CUDA 12.4)',
    description: 'PyTorch with CUDA for training',
    image: 'registry.example/turing/torch:2.5-cuda12.4',
    versions: { python: '3.11', cuda: '12.4', cudnn: '9.1', frameworks: { pytorch: '2.5.1' } },
    gpu: {
      resource: 'nvidia.com/gpu',
      counts: [1, 2, 4],
      types: [
        { id: 'a100', displayName: 'A100' },
        { id: 't4', displayName: 'T4' },
      ],
    },
    resources,
    tags: ['training'],
  },
  {
    id: 'tf-2.16-cuda12',
    displayName: 'TensorFlow 2.16',
    description: 'TensorFlow and Keras',
    image: 'registry.example/turing/tf:2.16',
    versions: {
      python: '3.11',
      cuda: '12.3',
      cudnn: '8.9',
      frameworks: { tensorflow: '2.16.2', keras: '3.3' },
    },
    gpu: { resource: 'nvidia.com/gpu', counts: [1, 2], types: [{ id: 't4', displayName: 'T4' }] },
    resources,
    tags: [],
  },
  {
    id: 'cpu-sklearn',
    displayName: 'Data science (CPU)',
    description: 'pandas, scikit-learn, xgboost',
    image: 'registry.example/turing/cpu:1',
    versions: { python: '3.12', frameworks: { sklearn: '1.5', xgboost: '2.1' } },
    resources,
    tags: ['tabular'],
  },
];
