import type { CreateJobRequest, Environment, Job, Run, RunList, SchedulePreview } from '@turing/client';

/** A CPU and a GPU environment, as the client hands the catalog to the dialog. */
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

/**
 * The settings of the `daily-ctr` job: what its create request sends
 * (`request-fixture.ts`) and hub-proxy then answers with ({@link scheduledJob}).
 */
export const dailyCtrSettings = {
  environment: 'torch',
  resources: { cpu: '2', memory: '8Gi', gpus: 1, gpuType: 't4' },
  parameters: { date: '2026-11-28', n: 3 },
  retries: 2,
  timeoutSeconds: 5400,
  concurrency: 'replace',
  dependsOn: ['etl'],
  alerts: [{ on: ['failure', 'timeout'], webhook: 'https://hooks.example/x' }],
  outputs: ['ipynb', 'html'],
  historyLimit: 20,
  modelOutput: { model: 'ctr', path: 'model/', rollout: { kind: 'canary', percent: 10 } },
} satisfies Omit<CreateJobRequest, 'name' | 'notebook' | 'schedule' | 'suspend'>;

/** A scheduled job as hub-proxy answers it, with every field (a failed last run, an undelivered alert). */
export function scheduledJob() {
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
    ...dailyCtrSettings,
    image: 'registry.example/turing/torch:2',
    schedule: {
      cron: '0 9 * * 1-5',
      timezone: 'Asia/Shanghai',
      description: 'At 09:00, Monday through Friday',
      nextRuns: ['2026-01-02T01:00:00Z'],
    },
    suspended: false,
    state: 'scheduled',
    lastRun: { id: 'daily-ctr-1767315600', state: 'failed', finishedAt: '2026-01-02T01:07:30Z' },
    alertDeliveries: [
      {
        run: 'daily-ctr-1767315600',
        event: 'failure',
        target: 'https://hooks.example',
        delivered: false,
        attempts: 3,
        at: '2026-01-02T01:07:31Z',
        status: 503,
        error: 'Service Unavailable',
      },
    ],
    createdAt: '2026-01-01T00:00:00Z',
  } satisfies Job;
}

/**
 * A finished run with every field: started by a dependency, failed in cell 7
 * of 9 after a retry. (Only succeeded runs publish; `modelOutput` is here so
 * that the fixture has every field the wire type has.)
 */
export const failedRun = {
  id: 'daily-ctr-1767315600',
  job: 'daily-ctr',
  owner: 'alice',
  state: 'failed',
  trigger: 'dependency',
  triggeredBy: 'etl-1767312000',
  parameters: { date: '2026-11-28', n: 3 },
  attempt: 2,
  progress: { cell: 7, cells: 9 },
  createdAt: '2026-01-02T01:00:00Z',
  startedAt: '2026-01-02T01:00:05Z',
  finishedAt: '2026-01-02T01:07:30Z',
  durationSeconds: 445,
  reason: 'ValueError: empty frame (cell 7)',
  artifacts: ['output.ipynb', 'output.html', 'log.txt'],
  modelOutput: { model: 'ctr', error: 'Models are not enabled on this Turing installation.' },
} satisfies Run;

/** A scheduled run that succeeded and published version 4 of its job's model. */
export const publishedRun = {
  id: 'daily-ctr-1767229200',
  job: 'daily-ctr',
  owner: 'alice',
  state: 'succeeded',
  trigger: 'schedule',
  parameters: { date: '2026-11-27', n: 3 },
  attempt: 1,
  progress: { cell: 9, cells: 9 },
  createdAt: '2026-01-01T01:00:00Z',
  startedAt: '2026-01-01T01:00:05Z',
  finishedAt: '2026-01-01T01:06:00Z',
  durationSeconds: 355,
  artifacts: ['output.ipynb', 'log.txt'],
  modelOutput: { model: 'ctr', version: 4 },
} satisfies Run;

/** A run started by hand that is running now. */
export const runningRun = {
  id: 'daily-ctr-m-1767402000',
  job: 'daily-ctr',
  owner: 'alice',
  state: 'running',
  trigger: 'manual',
  parameters: { date: '2026-11-29', n: 3 },
  attempt: 1,
  progress: { cell: 2, cells: 9 },
  createdAt: '2026-01-03T01:00:00Z',
  startedAt: '2026-01-03T01:00:04Z',
  artifacts: [],
} satisfies Run;

/** `GET /api/v1/jobs/daily-ctr/runs`, newest first. */
export const runList: RunList = { items: [runningRun, failedRun, publishedRun] };

/** `GET /api/v1/schedule/preview?cron=0 9 * * 1-5&timezone=Asia/Shanghai&count=5`. */
export const schedulePreview = {
  cron: '0 9 * * 1-5',
  timezone: 'Asia/Shanghai',
  description: 'At 09:00, Monday through Friday',
  nextRuns: [
    '2026-01-02T01:00:00Z',
    '2026-01-05T01:00:00Z',
    '2026-01-06T01:00:00Z',
    '2026-01-07T01:00:00Z',
    '2026-01-08T01:00:00Z',
  ],
} satisfies SchedulePreview;
