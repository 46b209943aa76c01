import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Job } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FilesystemArtifactStore } from '../artifacts/filesystem-store.js';
import { rejectionOf } from '../errors/testing/rejection.js';
import { ANNOTATIONS } from '../ownership/labels.js';
import { cachedInventory, listingInventory } from './admin-inventory.js';
import { AdminJobListing } from './admin-listing.js';
import { adminJobsQuerySchema, adminRunsQuerySchema } from './admin-schemas.js';
import type { KubernetesJobRuntime } from './kubernetes/index.js';
import type { NotebookJob, NotebookJobSpec, RunRecord } from './model.js';
import { JOB_ANNOTATIONS, JOB_LABELS, artifactKeys } from './naming.js';
import { errorKind, fieldsOf } from './testing/error-kind.js';
import { ownerOf } from './views.js';
import { InMemoryJobRuntime } from './testing/in-memory-job-runtime.js';
import { notebookJobFixture } from './testing/notebook-job-fixture.js';

const START = Date.parse('2030-01-01T00:00:00.000Z');
/** The ISO time `seconds` after START. */
const at = (seconds: number) => new Date(START + seconds * 1000).toISOString();

describe('AdminJobListing over the in-memory runtime', () => {
  let dir: string;
  let artifacts: FilesystemArtifactStore;
  let runtime: InMemoryJobRuntime;
  let listing: AdminJobListing;
  let clock: number;

  const jobsQuery = (query: Record<string, unknown> = {}) => adminJobsQuerySchema.parse(query);
  const runsQuery = (query: Record<string, unknown> = {}) => adminRunsQuerySchema.parse(query);

  /** Creates `owner`'s job; the clock ticks one second per write, so each is newer than the last. */
  async function job(owner: string, name: string, spec: Partial<NotebookJobSpec> = {}): Promise<NotebookJob> {
    return runtime.definitions.create(notebookJobFixture(owner, name, spec));
  }

  async function run(of: NotebookJob, end?: RunRecord['state']): Promise<RunRecord> {
    const started = await runtime.startRun(of, { trigger: 'manual' });
    return end ? runtime.finish(started.id, end) : started;
  }

  async function store(record: RunRecord, file: 'log.txt' | 'output.html' | 'output.ipynb'): Promise<void> {
    const key = artifactKeys.runArtifact(record.owner, record.jobObjectName, record.id, file);
    await artifacts.put(key, Buffer.from('x'), { contentType: 'text/plain' });
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'admin-listing-'));
    artifacts = new FilesystemArtifactStore({
      directory: dir,
      maxObjectBytes: 1 << 20,
      maxOwnerBytes: 1 << 24,
    });
    clock = START;
    runtime = new InMemoryJobRuntime({ now: () => new Date((clock += 1000)) });
    await runtime.start();
    listing = new AdminJobListing({ inventory: listingInventory(runtime), artifacts });
  });
  afterEach(async () => {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists every user's jobs newest first, each with its owner and newest run", async () => {
    const daily = await job('alice', 'daily');
    await job('bob', 'weekly');
    const first = await run(daily, 'succeeded');
    const second = await run(daily, 'failed');

    const page = await listing.listJobs(jobsQuery());

    expect(page.items.map((j) => [j.owner, j.name])).toEqual([
      ['bob', 'weekly'],
      ['alice', 'daily'],
    ]);
    expect(page.items[1]?.lastRun).toMatchObject({ id: second.id, state: 'failed' });
    expect(first.id).not.toBe(second.id);
    expect(page.next).toBeUndefined();
  });

  it('filters jobs by user, environment, part of the name and state', async () => {
    const failing = await job('alice', 'etl-daily');
    await job('alice', 'etl-paused', { suspend: true });
    const recovered = await job('bob', 'etl-gpu', { environment: 'gpu-pytorch' });
    await job('bob', 'report');
    await run(failing, 'succeeded');
    await run(failing, 'timed_out');
    await run(failing); // still running: the newest *finished* run decides
    await run(recovered, 'failed');
    await run(recovered, 'succeeded');
    const names = async (query: Record<string, unknown>) =>
      (await listing.listJobs(jobsQuery(query))).items.map((j) => j.name).sort();

    expect(await names({ user: 'alice' })).toEqual(['etl-daily', 'etl-paused']);
    expect(await names({ environment: 'gpu-pytorch' })).toEqual(['etl-gpu']);
    expect(await names({ q: 'ETL' })).toEqual(['etl-daily', 'etl-gpu', 'etl-paused']);
    expect(await names({ state: 'suspended' })).toEqual(['etl-paused']);
    expect(await names({ state: 'active' })).toEqual(['etl-daily', 'etl-gpu', 'report']);
    expect(await names({ state: 'failing' })).toEqual(['etl-daily']);
    expect(await names({ user: 'bob', q: 'etl' })).toEqual(['etl-gpu']);
    expect(await names({ user: 'carol' })).toEqual([]);
  });

  it('lists runs newest first with environment and links; outputs are linked only once stored', async () => {
    const alices = await job('alice', 'daily');
    const bobs = await job('bob', 'train', { environment: 'gpu-pytorch' });
    const older = await run(alices, 'succeeded');
    const newer = await run(bobs);
    await store(older, 'log.txt');
    await store(older, 'output.html');
    await store(older, 'output.ipynb');

    const page = await listing.listRuns(runsQuery());

    expect(page.items.map((r) => r.id)).toEqual([newer.id, older.id]);
    expect(page.items[0]).toMatchObject({
      owner: 'bob',
      job: 'train',
      state: 'running',
      environment: 'gpu-pytorch',
      artifacts: [],
      links: { log: `api/v1/runs/${newer.id}/log` },
    });
    expect(page.items[0]?.links).not.toHaveProperty('outputHtml');
    expect(page.items[1]).toMatchObject({
      owner: 'alice',
      environment: 'cpu-base',
      artifacts: ['output.ipynb', 'output.html', 'log.txt'],
      links: {
        log: `api/v1/runs/${older.id}/log`,
        outputHtml: `api/v1/runs/${older.id}/output?format=html`,
        outputIpynb: `api/v1/runs/${older.id}/output?format=ipynb`,
      },
    });
  });

  it('filters runs by user, job, state, environment and start time, both bounds inclusive', async () => {
    const alices = await job('alice', 'daily'); // t=1
    const bobs = await job('bob', 'train', { environment: 'gpu-pytorch' }); // t=2
    const a1 = await run(alices, 'succeeded'); // starts t=3
    const b1 = await run(bobs, 'failed'); // t=5
    const a2 = await run(alices); // t=7, running
    const ids = async (query: Record<string, unknown>) =>
      (await listing.listRuns(runsQuery(query))).items.map((r) => r.id);

    expect(a1.startedAt).toBe(at(3));
    expect(b1.startedAt).toBe(at(5));
    expect(a2.startedAt).toBe(at(7));
    expect(await ids({ user: 'alice' })).toEqual([a2.id, a1.id]);
    expect(await ids({ job: 'train' })).toEqual([b1.id]);
    expect(await ids({ state: 'running' })).toEqual([a2.id]);
    expect(await ids({ environment: 'gpu-pytorch' })).toEqual([b1.id]);
    expect(await ids({ since: at(5) })).toEqual([a2.id, b1.id]);
    expect(await ids({ until: at(5) })).toEqual([b1.id, a1.id]);
    expect(await ids({ since: at(4), until: at(6) })).toEqual([b1.id]);
    expect(await ids({ user: 'alice', state: 'failed' })).toEqual([]);
  });

  it('pages through every run exactly once, even when runs start between pages', async () => {
    const jobs = [await job('alice', 'a'), await job('bob', 'b'), await job('carol', 'c')];
    const started: string[] = [];
    for (let i = 0; i < 7; i++) started.push((await run(jobs[i % 3] as NotebookJob, 'succeeded')).id);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listing.listRuns(runsQuery({ limit: 3, ...(cursor ? { cursor } : {}) }));
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.next;
      pages += 1;
      // A run started meanwhile is newer than every cursor: the next pages never show it.
      if (pages === 1) await run(jobs[0] as NotebookJob);
    } while (cursor);

    expect(pages).toBe(3);
    expect(seen).toEqual([...started].reverse());
  });

  it('pages jobs with the same cursor scheme, filters kept', async () => {
    for (const name of ['j1', 'j2', 'j3', 'j4', 'j5']) await job('alice', name);
    await job('bob', 'other');
    const first = await listing.listJobs(jobsQuery({ user: 'alice', limit: 2 }));
    const second = await listing.listJobs(jobsQuery({ user: 'alice', limit: 2, cursor: first.next }));
    const third = await listing.listJobs(jobsQuery({ user: 'alice', limit: 2, cursor: second.next }));

    expect([first, second, third].map((p) => p.items.map((j) => j.name))).toEqual([
      ['j5', 'j4'],
      ['j3', 'j2'],
      ['j1'],
    ]);
    expect(third.next).toBeUndefined();
  });

  it('refuses a cursor it did not make, naming query.cursor', async () => {
    for (const cursor of ['not-a-cursor', Buffer.from('{"o":3}').toString('base64url')]) {
      const err = await rejectionOf(listing.listRuns(runsQuery({ cursor })));
      expect(errorKind(err)).toBe('invalid-input');
      expect(fieldsOf(err)).toEqual(['query.cursor']);
      expect(fieldsOf(await rejectionOf(listing.listJobs(jobsQuery({ cursor }))))).toEqual(['query.cursor']);
    }
  });
});

describe('cachedInventory', () => {
  const notebookJob = {
    ...notebookJobFixture('alice', 'daily'),
    metadata: { name: 'daily-x', creationTimestamp: at(0) },
  };
  const runJob: V1Job = {
    metadata: {
      name: 'daily-x-m00000001',
      labels: { [JOB_LABELS.job]: 'daily-x', [JOB_LABELS.jobName]: 'daily' },
      annotations: { [ANNOTATIONS.ownerName]: 'alice', [JOB_ANNOTATIONS.createdAt]: at(1) },
    },
    status: { active: 1 },
  };
  const unrelated: V1Job = { metadata: { name: 'not-a-run', labels: {} } };

  function fakeRuntime(synced: boolean) {
    const fallback = new InMemoryJobRuntime();
    const list = vi.spyOn(fallback.definitions, 'list');
    const runtime = Object.assign(fallback, {
      caches: {
        notebookJobs: { synced, list: () => [notebookJob] },
        jobs: { synced, list: () => [runJob, unrelated] },
      },
    }) as unknown as KubernetesJobRuntime;
    return { runtime, list };
  }

  it('reads jobs and runs from the informer caches once synced, with no listing request', async () => {
    const { runtime, list } = fakeRuntime(true);
    const snapshot = await cachedInventory(runtime).snapshot();

    expect(snapshot.jobs.map((j) => j.metadata.name)).toEqual(['daily-x']);
    expect(snapshot.runs).toEqual([
      expect.objectContaining({ id: 'daily-x-m00000001', owner: 'alice', job: 'daily', state: 'running' }),
    ]);
    expect(list).not.toHaveBeenCalled();
  });

  it('lists through the runtime while the caches are not synced', async () => {
    const { runtime, list } = fakeRuntime(false);
    const snapshot = await cachedInventory(runtime).snapshot();

    expect(snapshot).toEqual({ jobs: [], runs: [] });
    expect(list).toHaveBeenCalled();
  });
});

describe('AdminJobListing paging', () => {
  it('walks 500 jobs with equal and shuffled creation times in exact newest-first order, none repeated or missed', async () => {
    const jobs = Array.from({ length: 500 }, (_, i) => {
      const job = notebookJobFixture(`user${i % 37}`, `job-${i}`);
      // Many ties on time (one per 10 jobs), so the name decides within a second.
      job.metadata.creationTimestamp = at(Math.floor(((i * 7919) % 500) / 10));
      return job;
    });
    const listing = new AdminJobListing({
      inventory: { snapshot: () => Promise.resolve({ jobs, runs: [] }) },
      artifacts: new FilesystemArtifactStore({ directory: tmpdir(), maxObjectBytes: 1, maxOwnerBytes: 1 }),
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listing.listJobs(
        adminJobsQuerySchema.parse({ limit: 7, ...(cursor ? { cursor } : {}) }),
      );
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((view) => `${view.owner}/${view.name}`));
      cursor = page.next;
    } while (cursor);
    const expected = jobs
      .map((job) => ({
        t: Date.parse(String(job.metadata.creationTimestamp)),
        k: job.metadata.name ?? '',
        shown: `${ownerOf(job)}/${job.spec.jobName}`,
      }))
      .sort((a, b) => b.t - a.t || (a.k < b.k ? 1 : -1))
      .map(({ shown }) => shown);
    expect(new Set(seen).size).toBe(500);
    expect(seen).toEqual(expected);
  });
});
