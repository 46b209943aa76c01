import type { CreateJobRequest, RunJobRequest, UpdateJobRequest } from '@turing/client';

import { dailyCtrSettings } from './job-fixture';

const notebook = {
  path: 'work/ctr.ipynb',
  content: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] },
};

/** The `POST /api/v1/jobs` body that creates the `daily-ctr` job, with every field. */
export const createJobRequest = {
  name: 'daily-ctr',
  notebook,
  ...dailyCtrSettings,
  parameters: { ...dailyCtrSettings.parameters, regions: ['emea', 'apac'] },
  schedule: { cron: '0 9 * * 1-5', timezone: 'Asia/Shanghai' },
  suspend: false,
} satisfies CreateJobRequest;

/** A `PATCH /api/v1/jobs/{name}` body with every field: on demand from now on, with a new input. */
export const patchJobRequest = {
  environment: 'torch',
  resources: { cpu: '4', memory: '16Gi', gpus: 2, gpuType: 't4' },
  parameters: { date: '2026-12-01' },
  schedule: null,
  suspend: true,
  retries: 0,
  timeoutSeconds: 600,
  concurrency: 'forbid',
  dependsOn: [],
  alerts: [{ on: ['success'], webhook: 'https://hooks.example/y' }],
  outputs: ['ipynb'],
  historyLimit: 5,
  modelOutput: { model: 'ctr', path: 'out/model.json', rollout: { kind: 'replace' } },
  notebook,
} satisfies UpdateJobRequest;

/** A `POST /api/v1/jobs/{name}/runs` body overriding parameters. */
export const runJobRequest = {
  parameters: { date: '2026-11-30', dryRun: true },
} satisfies RunJobRequest;
