import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../artifacts/filesystem-store.js';
import type { HubServer } from '../auth/hub-client.js';
import { GpuQuotaService, loadCatalog } from '../environments/index.js';
import { QuotaExceeded } from '../errors/index.js';
import { rejectionOf } from '../errors/testing/rejection.js';
import { toHttpError } from '../http/error-mapping.js';
import { createLogger } from '../observability/logger.js';
import type { Actor } from '../ownership/ownership.js';
import { jobLimitsSchema, type JobLimitsSettings } from './limits-config.js';
import { JobRunsService } from './runs.js';
import { createJobBodySchema, type CreateJobBody } from './schemas.js';
import { JobsService } from './service.js';
import { InMemoryJobRuntime } from './testing/in-memory-job-runtime.js';
import { fixedJobQuotas, JobUsageLimits, RunNowRate } from './usage-limits.js';

const alice: Actor = { name: 'alice', isAdmin: false };
const bob: Actor = { name: 'bob', isAdmin: false };
const admin: Actor = { name: 'root', isAdmin: true };
const catalog = loadCatalog();

function body(name: string, fields: Record<string, unknown> = {}): CreateJobBody {
  return createJobBodySchema.parse({
    name,
    notebook: {
      path: `work/${name}.ipynb`,
      content: {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
        cells: [{ cell_type: 'code', metadata: {}, outputs: [], source: 'x = 1' }],
      },
    },
    environment: 'cpu-base',
    ...fields,
  });
}

/** The problem+json an error is answered with, as the client sees it. */
function problemOf(err: unknown) {
  const http = toHttpError(err);
  return {
    status: http.status,
    type: http.type,
    detail: http.detail,
    ...http.extensions,
    headers: http.headers,
  };
}

/** Servers alice runs in the fake hub (GPU quota 2 for everyone). */
let hubServers: HubServer[] = [];
const gpuServer = (name: string, gpus: number): HubServer => ({
  name,
  ready: true,
  pending: null,
  started: null,
  userOptions: { profile: 'tf-2.16-cuda12.3', gpus: String(gpus), gpu_type: 't4' },
});

describe('per-user limits of the jobs API', () => {
  let dir: string;
  let runtime: InMemoryJobRuntime;
  let clock: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jobs-limits-'));
    runtime = new InMemoryJobRuntime();
    await runtime.start();
    clock = 1_000_000;
    hubServers = [];
  });
  afterEach(async () => {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Services over the in-memory runtime with `limits` over the defaults, a
   * GPU quota of 2, and the concurrentRuns / scheduledJobs quotas (default 10 and 50).
   */
  function services(
    limits: Partial<JobLimitsSettings> = {},
    quotas: { concurrentRuns?: number; scheduledJobs?: number } = {},
  ) {
    const gpuQuota = new GpuQuotaService({
      catalog,
      quotas: { defaultMaxGpus: 2, users: {} },
      hub: { userServers: () => Promise.resolve(new Map(hubServers.map((s) => [s.name, s]))) },
    });
    const usage = new JobUsageLimits({
      limits: { ...jobLimitsSchema.parse({}), ...limits },
      runtime,
      gpuQuota,
      quotas: fixedJobQuotas({ concurrentRuns: 10, scheduledJobs: 50, ...quotas }),
      now: () => clock,
    });
    gpuQuota.addHolder(usage.gpuHolder());
    const artifacts = new FilesystemArtifactStore({
      directory: dir,
      maxObjectBytes: 1 << 20,
      maxOwnerBytes: 1 << 24,
    });
    const jobs = new JobsService({
      runtime,
      artifacts,
      catalog,
      checkWebhook: () => Promise.resolve({ reachable: true }),
      maxNotebookBytes: 1 << 20,
      defaultHistoryLimit: 5,
      limits: usage,
      logger: createLogger({ level: 'silent' }),
    });
    return { jobs, runs: new JobRunsService(jobs, runtime, artifacts), gpuQuota };
  }

  it("refuses a job past jobsPerUser with 429 naming the limit, counting only the owner's jobs", async () => {
    const { jobs } = services({ jobsPerUser: 2 });
    await jobs.create(alice, body('one'));
    await jobs.create(alice, body('two'));
    await jobs.create(bob, body('one'));
    const err = await rejectionOf(jobs.create(alice, body('three')));
    expect(err).toBeInstanceOf(QuotaExceeded);
    expect(problemOf(err)).toMatchObject({ status: 429, quota: 'jobsPerUser', limit: 2, used: 2 });
    expect(problemOf(err).detail).toMatch(/jobsPerUser/);
    // Deleting one frees a place.
    await jobs.delete(alice, 'one');
    await expect(jobs.create(alice, body('three'))).resolves.toMatchObject({ name: 'three' });
  });

  it('answers a retried create of a job that already landed with 409, not 429, at the job limit', async () => {
    const { jobs } = services({ jobsPerUser: 1 });
    await jobs.create(alice, body('one'));
    const err = await rejectionOf(jobs.create(alice, body('one')));
    expect(problemOf(err)).toMatchObject({ status: 409 });
  });

  it('refuses parameters over maxParametersBytes with 413 on create, edit and run-now, naming the limit', async () => {
    const { jobs, runs } = services({ maxParametersBytes: 1024 });
    const big = { blob: 'x'.repeat(1100) };
    for (const attempt of [
      () => jobs.create(alice, body('big', { parameters: big })),
      async () => {
        await jobs.create(alice, body('small'));
        return jobs.update(alice, 'small', { parameters: big });
      },
      () => runs.runNow(alice, 'small', big),
    ]) {
      const problem = problemOf(await rejectionOf(attempt()));
      expect(problem).toMatchObject({
        status: 413,
        type: 'https://turing.dev/problems/parameters-too-large',
      });
      expect(problem.detail).toMatch(/maxParametersBytes.*1 KiB/);
    }
    await expect(runs.runNow(alice, 'small', { blob: 'x'.repeat(900) })).resolves.toMatchObject({
      state: 'running',
    });
  });

  it("refuses a run-now past the concurrentRuns quota over all the owner's jobs (429, Retry-After); a finished run frees a slot", async () => {
    const { jobs, runs } = services({}, { concurrentRuns: 2 });
    await jobs.create(alice, body('a', { concurrency: 'allow' }));
    await jobs.create(alice, body('b', { concurrency: 'allow' }));
    await jobs.create(bob, body('a', { concurrency: 'allow' }));
    const first = await runs.runNow(alice, 'a', undefined);
    await runs.runNow(alice, 'b', undefined);
    await runs.runNow(bob, 'a', undefined);
    const err = await rejectionOf(runs.runNow(alice, 'a', undefined));
    expect(problemOf(err)).toMatchObject({
      status: 429,
      type: 'https://turing.dev/problems/quota-exceeded',
      quota: 'concurrentRuns',
      limit: 2,
      used: 2,
      headers: { 'Retry-After': '30' },
    });
    expect(problemOf(err).detail).toBe(
      'Quota concurrentRuns exceeded: 2 of 2 runs in use; cancel a run or wait for one to finish, ' +
        'or ask an admin to raise your quota.',
    );
    await runtime.finish(first.id, 'succeeded');
    await expect(runs.runNow(alice, 'a', undefined)).resolves.toMatchObject({ state: 'running' });
  });

  it('refuses run-now calls past runNowPerMinute in a sliding minute, with Retry-After', async () => {
    const { jobs, runs } = services({ runNowPerMinute: 2 });
    await jobs.create(alice, body('a', { concurrency: 'allow' }));
    await runs.runNow(alice, 'a', undefined);
    clock += 30_000;
    await runs.runNow(alice, 'a', undefined);
    const err = await rejectionOf(runs.runNow(alice, 'a', undefined));
    expect(problemOf(err)).toMatchObject({
      status: 429,
      quota: 'runNowPerMinute',
      limit: 2,
      used: 2,
      headers: { 'Retry-After': '30' },
    });
    // Bob has a window of his own; alice's first call leaves hers after 60 s.
    await jobs.create(bob, body('a', { concurrency: 'allow' }));
    await expect(runs.runNow(bob, 'a', undefined)).resolves.toBeDefined();
    clock += 30_001;
    await expect(runs.runNow(alice, 'a', undefined)).resolves.toBeDefined();
  });

  it("holds an admin running another user's job to the owner's limits", async () => {
    const { jobs, runs } = services({}, { concurrentRuns: 1, scheduledJobs: 0 });
    await jobs.create(alice, body('a', { concurrency: 'allow' }));
    await runs.runNow(alice, 'a', undefined);
    const err = await rejectionOf(runs.runNow(admin, 'a', undefined, 'alice'));
    expect(problemOf(err)).toMatchObject({ status: 429, quota: 'concurrentRuns' });
    const schedule = await rejectionOf(
      jobs.update(admin, 'a', { schedule: { cron: '0 * * * *', timezone: 'UTC' } }, 'alice'),
    );
    expect(problemOf(schedule)).toMatchObject({ status: 403, quota: 'scheduledJobs', limit: 0, used: 0 });
  });

  it('refuses a scheduled job past the scheduledJobs quota on create and when an edit adds a schedule (403)', async () => {
    const { jobs } = services({}, { scheduledJobs: 1 });
    const hourly = { schedule: { cron: '0 * * * *', timezone: 'UTC' } };
    await jobs.create(alice, body('first', hourly));
    await jobs.create(bob, body('first', hourly));
    await jobs.create(alice, body('on-demand'));
    const created = await rejectionOf(jobs.create(alice, body('second', hourly)));
    expect(created).toBeInstanceOf(QuotaExceeded);
    expect(problemOf(created)).toMatchObject({
      status: 403,
      type: 'https://turing.dev/problems/quota-exceeded',
      quota: 'scheduledJobs',
      limit: 1,
      used: 1,
    });
    expect(problemOf(created).detail).toMatch(/^Quota scheduledJobs exceeded: 1 of 1 scheduled jobs in use/);
    const edited = await rejectionOf(jobs.update(alice, 'on-demand', hourly));
    expect(problemOf(edited)).toMatchObject({ status: 403, quota: 'scheduledJobs' });
    // Changing the schedule of a job that has one adds nothing; removing one frees a place.
    await expect(
      jobs.update(alice, 'first', { schedule: { cron: '5 * * * *', timezone: 'UTC' } }),
    ).resolves.toBeDefined();
    await jobs.update(alice, 'first', { schedule: null });
    await expect(jobs.update(alice, 'on-demand', hourly)).resolves.toBeDefined();
  });

  describe('GPUs against the GPU quota', () => {
    const gpuJob = (name: string, gpus: number) =>
      body(name, { environment: 'tf-2.16-cuda12.3', resources: { gpus }, concurrency: 'allow' });

    it('refuses a job that asks for more GPUs than the whole quota (it could never run), 403', async () => {
      const { jobs } = services();
      const err = await rejectionOf(jobs.create(alice, gpuJob('huge', 4)));
      expect(problemOf(err)).toMatchObject({
        status: 403,
        type: 'https://turing.dev/problems/gpu-quota-exceeded',
      });
      expect(problemOf(err).detail).toMatch(/4 GPUs.*quota of 2/);
      await jobs.create(alice, gpuJob('fits', 2));
      const edit = await rejectionOf(jobs.update(alice, 'fits', { resources: { gpus: 4 } }));
      expect(problemOf(edit).status).toBe(403);
    });

    it("refuses a GPU run when the owner's servers, active runs and this run exceed the quota", async () => {
      const { jobs, runs } = services();
      await jobs.create(alice, gpuJob('train', 1));
      hubServers = [gpuServer('', 1)];
      const first = await runs.runNow(alice, 'train', undefined);
      const err = await rejectionOf(runs.runNow(alice, 'train', undefined));
      expect(problemOf(err)).toMatchObject({
        status: 403,
        type: 'https://turing.dev/problems/gpu-quota-exceeded',
      });
      expect(problemOf(err).detail).toBe(
        'GPU quota exceeded: you have 2 of 2 GPUs in use (1 on your servers, 1 by your job runs), ' +
          'and this run needs 1 more. Stop a server, cancel a run, or ask for fewer GPUs.',
      );
      await runtime.finish(first.id, 'failed');
      await expect(runs.runNow(alice, 'train', undefined)).resolves.toMatchObject({ state: 'running' });
    });

    it("counts active GPU runs in the quota a server start checks (the environments feature's view)", async () => {
      const { jobs, runs, gpuQuota } = services();
      await jobs.create(alice, gpuJob('train', 2));
      await runs.runNow(alice, 'train', undefined);
      expect(await gpuQuota.usage('alice')).toMatchObject({
        usedGpus: 2,
        holders: [{ label: 'job runs', gpus: 2 }],
      });
      expect(await gpuQuota.usage('bob')).toMatchObject({ usedGpus: 0 });
    });

    it('lets CPU runs start without asking the hub', async () => {
      const { jobs, runs } = services();
      await jobs.create(alice, body('cpu', { concurrency: 'allow' }));
      hubServers = [gpuServer('', 2)];
      await expect(runs.runNow(alice, 'cpu', undefined)).resolves.toMatchObject({ state: 'running' });
    });
  });
});

describe('RunNowRate', () => {
  it('keeps one sliding window per owner and forgets calls older than 60 s', () => {
    let now = 0;
    const rate = new RunNowRate(3, () => now);
    rate.take('alice');
    now = 10_000;
    rate.take('alice');
    rate.take('alice');
    expect(() => rate.take('alice')).toThrow(QuotaExceeded);
    rate.take('bob');
    now = 60_001;
    rate.take('alice');
    expect(() => rate.take('alice')).toThrow(/runNowPerMinute/);
  });
});
