import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FilesystemArtifactStore } from '../artifacts/filesystem-store.js';
import { loadCatalog } from '../environments/index.js';
import { rejectionOf } from '../errors/testing/rejection.js';
import { QuotaExceeded } from '../errors/index.js';
import { KubeUnavailableError } from '../k8s/errors.js';
import { createLogger } from '../observability/logger.js';
import { ANNOTATIONS, LABELS } from '../ownership/labels.js';
import type { Actor } from '../ownership/ownership.js';
import { JOB_LABELS, artifactKeys, jobObjectName } from './naming.js';
import { createJobBodySchema, type CreateJobBody } from './schemas.js';
import type { NotebookJob } from './model.js';
import { JobsService } from './service.js';
import { jobLimitsSchema } from './limits-config.js';
import { JobUsageLimits } from './usage-limits.js';
import { errorKind, fieldsOf } from './testing/error-kind.js';
import { InMemoryJobRuntime } from './testing/in-memory-job-runtime.js';

const alice: Actor = { name: 'alice', isAdmin: false };
const bob: Actor = { name: 'bob', isAdmin: false };
const admin: Actor = { name: 'root', isAdmin: true };
const catalog = loadCatalog();

/** A notebook as the lab sends it: with outputs and execution counts, which the snapshot drops. */
function notebook(source = 'print(1)') {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: [
      {
        cell_type: 'code',
        execution_count: 7,
        metadata: {},
        outputs: [{ output_type: 'stream', name: 'stdout', text: '1\n' }],
        source,
      },
    ],
  };
}

/** A create body as the route hands it over: parsed, defaults filled. */
function body(name: string, fields: Record<string, unknown> = {}): CreateJobBody {
  return createJobBodySchema.parse({
    name,
    notebook: { path: `work/${name}.ipynb`, content: notebook() },
    environment: 'cpu-base',
    ...fields,
  });
}

describe('JobsService over the in-memory runtime', () => {
  let dir: string;
  let artifacts: FilesystemArtifactStore;
  let runtime: InMemoryJobRuntime;
  let service: JobsService;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jobs-service-'));
    artifacts = new FilesystemArtifactStore({
      directory: dir,
      maxObjectBytes: 1 << 20,
      maxOwnerBytes: 1 << 24,
    });
    runtime = new InMemoryJobRuntime();
    await runtime.start();
    service = new JobsService({
      runtime,
      artifacts,
      catalog,
      checkWebhook: async (url) =>
        url.includes('unreachable')
          ? { reachable: false, reason: 'connection refused' }
          : { reachable: true },
      maxNotebookBytes: 1 << 20,
      defaultHistoryLimit: 7,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterEach(async () => {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const storedKeys = (owner: string) => artifacts.keys(artifactKeys.ownerPrefix(owner));
  const definitionsOf = async (owner: string) =>
    (await runtime.definitions.list({ labelSelector: `${LABELS.owner}=${owner}` })).items;
  async function text(key: string): Promise<string | undefined> {
    const found = await artifacts.get(key);
    if (!found) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of found.body) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }

  describe('create', () => {
    it('stores the stripped snapshot and a definition of the caller that points at it', async () => {
      const view = await service.create(alice, body('daily', { parameters: { n: 3 } }));
      expect(view).toMatchObject({ name: 'daily', owner: 'alice', environment: 'cpu-base' });
      const job = await runtime.definitions.get(jobObjectName('alice', 'daily'));
      const cpuBase = catalog.environments.find((e) => e.id === 'cpu-base');
      expect(job.metadata.labels).toMatchObject({ [LABELS.owner]: 'alice', [JOB_LABELS.jobName]: 'daily' });
      expect(job.metadata.annotations).toMatchObject({ [ANNOTATIONS.ownerName]: 'alice' });
      expect(job.spec).toMatchObject({
        jobName: 'daily',
        image: cpuBase?.image,
        resources: {
          cpu: cpuBase?.resources.cpu.default,
          memory: cpuBase?.resources.memory.default,
          gpus: 0,
        },
        parameters: { n: 3 },
        historyLimit: 7,
        notebook: { path: 'work/daily.ipynb', kernel: 'python3' },
      });
      expect(await storedKeys('alice')).toEqual([job.spec.notebook.inputKey]);
      const snapshot = JSON.parse((await text(job.spec.notebook.inputKey)) ?? 'null') as ReturnType<
        typeof notebook
      >;
      expect(snapshot.cells[0]).toMatchObject({ source: 'print(1)', outputs: [], execution_count: null });
    });

    it('refuses a taken name as a conflict and leaves the first job and its snapshot alone', async () => {
      await service.create(alice, body('daily'));
      const before = await runtime.definitions.get(jobObjectName('alice', 'daily'));
      const err = await rejectionOf(
        service.create(
          alice,
          body('daily', { notebook: { path: 'x.ipynb', content: notebook('print(2)') } }),
        ),
      );
      expect(errorKind(err)).toBe('conflict');
      expect(await runtime.definitions.get(jobObjectName('alice', 'daily'))).toEqual(before);
      expect(await storedKeys('alice')).toEqual([before.spec.notebook.inputKey]);
    });

    it.each([
      ['an unknown environment', { environment: 'no-such-env' }, 'body.environment'],
      ['a CPU environment with GPUs', { resources: { gpus: 1 } }, 'body.resources.gpus'],
      [
        'a bad cron expression',
        { schedule: { cron: 'every tuesday', timezone: 'UTC' } },
        'body.schedule.cron',
      ],
      ['a dependency on itself', { dependsOn: ['daily'] }, 'body.dependsOn[0]'],
      ['a dependency on a missing job', { dependsOn: ['nope'] }, 'body.dependsOn[0]'],
      [
        'an unreachable webhook',
        { alerts: [{ on: ['failure'], webhook: 'http://unreachable.example/hook' }] },
        'body.alerts[0].webhook',
      ],
    ])('rejects %s before writing anything', async (_what, fields, field) => {
      const err = await rejectionOf(service.create(alice, body('daily', fields)));
      expect(errorKind(err)).toBe('invalid-input');
      expect(fieldsOf(err)).toContain(field);
      expect(await storedKeys('alice')).toEqual([]);
      expect(await definitionsOf('alice')).toEqual([]);
    });

    it('removes the snapshot it stored when writing the definition fails', async () => {
      vi.spyOn(runtime.definitions, 'create').mockRejectedValueOnce(
        new KubeUnavailableError('unavailable', 503, 'the API server is down'),
      );
      const err = await rejectionOf(service.create(alice, body('daily')));
      expect(errorKind(err)).toBe('unavailable');
      expect(await storedKeys('alice')).toEqual([]);
      expect(await definitionsOf('alice')).toEqual([]);
    });

    it('keeps the snapshot when the definition may have been written but the answer was lost', async () => {
      // The API server stored the object and the connection broke before the answer; it is still down.
      const definitions = runtime.definitions;
      const create = definitions.create.bind(definitions);
      const get = definitions.get.bind(definitions);
      vi.spyOn(definitions, 'create').mockImplementationOnce(async (job) => {
        await create(job);
        throw new KubeUnavailableError('unavailable', 0, 'Kubernetes API unreachable: socket hang up');
      });
      vi.spyOn(definitions, 'get')
        .mockImplementationOnce(get)
        .mockRejectedValue(new KubeUnavailableError('unavailable', 0, 'Kubernetes API unreachable'));
      const err = await rejectionOf(service.create(alice, body('daily')));
      expect(errorKind(err)).toBe('unavailable');
      vi.mocked(definitions.get).mockRestore();
      const [job] = await definitionsOf('alice');
      expect(job?.spec.jobName).toBe('daily');
      expect(await artifacts.head(job?.spec.notebook.inputKey ?? '')).toBeDefined();
    });

    // Snapshots are content-addressed: both requests store the same key, and the loser must not delete it.
    it('keeps the snapshot of the winner when the same create is submitted twice at once', async () => {
      const results = await Promise.allSettled([
        service.create(alice, body('daily')),
        service.create(alice, body('daily')),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const loser = results.find((r) => r.status === 'rejected');
      expect(errorKind(loser?.reason)).toBe('conflict');
      const job = await runtime.definitions.get(jobObjectName('alice', 'daily'));
      expect(await artifacts.head(job.spec.notebook.inputKey)).toBeDefined();
    });

    it("checks dependsOn against the caller's own jobs only, even those of a user with the same owner label", async () => {
      // Both names slug to alice---2fce32fc (found by brute force), so the owner label matches both.
      const mine: Actor = { name: 'Alice_@_.._', isAdmin: false };
      const theirs: Actor = { name: 'Alice_.@+._!', isAdmin: false };
      await service.create(theirs, body('secret-project'));
      const err = await rejectionOf(service.create(mine, body('probe', { dependsOn: ['secret-project'] })));
      expect(errorKind(err)).toBe('invalid-input');
      expect(fieldsOf(err)).toEqual(['body.dependsOn[0]']);
    });

    it('reads nothing before the create: the create itself answers 409 for a taken name', async () => {
      const get = vi.spyOn(runtime.definitions, 'get');
      await service.create(alice, body('daily'));
      expect(get).not.toHaveBeenCalled();
    });

    it('stores the snapshot while the checks run, and removes it when a check refuses', async () => {
      let stored = false;
      const put = artifacts.put.bind(artifacts);
      vi.spyOn(artifacts, 'put').mockImplementation(async (...args) => {
        stored = true;
        return put(...args);
      });
      let storedBeforeChecksEnded = false;
      const list = runtime.definitions.list.bind(runtime.definitions);
      vi.spyOn(runtime.definitions, 'list').mockImplementation(async (options) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        storedBeforeChecksEnded ||= stored;
        return list(options);
      });
      const err = await rejectionOf(
        service.create(alice, body('daily', { schedule: { cron: 'every tuesday', timezone: 'UTC' } })),
      );
      expect(errorKind(err)).toBe('invalid-input');
      expect(storedBeforeChecksEnded).toBe(true);
      expect(await storedKeys('alice')).toEqual([]);
    });

    /** Gives the runtime an in-memory index (as the Kubernetes runtime's cache) that answers `jobs`. */
    function withIndex(jobs: () => NotebookJob[]): void {
      Object.assign(runtime, {
        definitionIndex: { ready: () => true, after: () => structuredClone(jobs()) },
      });
    }
    const limitedService = () =>
      new JobsService({
        runtime,
        artifacts,
        catalog,
        checkWebhook: async () => ({ reachable: true }),
        maxNotebookBytes: 1 << 20,
        defaultHistoryLimit: 7,
        limits: new JobUsageLimits({ limits: jobLimitsSchema.parse({ jobsPerUser: 1 }), runtime }),
        logger: createLogger({ level: 'silent' }),
      });

    it('counts from the index, and confirms a refusal that rests on it against the store', async () => {
      await limitedService().create(alice, body('old'));
      const stale = await definitionsOf('alice');
      await limitedService().delete(alice, 'old');
      // The cache has not seen the delete yet.
      withIndex(() => stale);
      const limited = limitedService();
      const list = vi.spyOn(runtime.definitions, 'list');
      const view = await limited.create(alice, body('new'));
      expect(view.name).toBe('new');
      expect(list).toHaveBeenCalledTimes(1); // the confirmation only
      // Still refused when the store agrees.
      const err = await rejectionOf(limited.create(alice, body('third')));
      expect(err).toBeInstanceOf(QuotaExceeded);
      expect(err).toMatchObject({ quota: 'jobsPerUser' });
    });

    it('creates without any store read when the index answers', async () => {
      withIndex(() => []);
      const indexed = limitedService();
      const list = vi.spyOn(runtime.definitions, 'list');
      const get = vi.spyOn(runtime.definitions, 'get');
      await indexed.create(alice, body('daily'));
      expect(list).not.toHaveBeenCalled();
      expect(get).not.toHaveBeenCalled();
    });

    it('checks dependsOn against the store, not an index that has not seen the upstream job yet', async () => {
      await service.create(alice, body('extract'));
      withIndex(() => []);
      const indexed = new JobsService({
        runtime,
        artifacts,
        catalog,
        checkWebhook: async () => ({ reachable: true }),
        maxNotebookBytes: 1 << 20,
        defaultHistoryLimit: 7,
        logger: createLogger({ level: 'silent' }),
      });
      const view = await indexed.create(alice, body('load', { dependsOn: ['extract'] }));
      expect(view.dependsOn).toEqual(['extract']);
    });
  });

  describe('update', () => {
    it('refuses a dependency that would close a cycle, leaving the job and the snapshots unchanged', async () => {
      await service.create(alice, body('extract'));
      await service.create(alice, body('load', { dependsOn: ['extract'] }));
      const before = await runtime.definitions.get(jobObjectName('alice', 'extract'));
      const keysBefore = await storedKeys('alice');
      const err = await rejectionOf(
        service.update(alice, 'extract', {
          dependsOn: ['load'],
          notebook: { path: 'new.ipynb', content: notebook('print("new")') },
        }),
      );
      expect(errorKind(err)).toBe('invalid-input');
      expect(fieldsOf(err)).toEqual(['body.dependsOn[0]']);
      expect(await runtime.definitions.get(jobObjectName('alice', 'extract'))).toEqual(before);
      expect(await storedKeys('alice')).toEqual(keysBefore);
    });

    it('stores a new notebook as a new snapshot and removes the old one', async () => {
      await service.create(alice, body('daily'));
      const before = await runtime.definitions.get(jobObjectName('alice', 'daily'));
      await service.update(alice, 'daily', { notebook: { path: 'v2.ipynb', content: notebook('print(2)') } });
      const after = await runtime.definitions.get(jobObjectName('alice', 'daily'));
      expect(after.spec.notebook.inputKey).not.toBe(before.spec.notebook.inputKey);
      expect(await storedKeys('alice')).toEqual([after.spec.notebook.inputKey]);
    });

    it('stores a model output, shows it, changes it, and removes it with null', async () => {
      const modelOutput = { model: 'ctr', path: 'model/', rollout: { kind: 'canary', percent: 10 } };
      const created = await service.create(alice, body('train', { modelOutput }));
      expect(created.modelOutput).toEqual(modelOutput);
      expect((await runtime.definitions.get(jobObjectName('alice', 'train'))).spec.modelOutput).toEqual(
        modelOutput,
      );

      const replaced = await service.update(alice, 'train', {
        modelOutput: { model: 'ctr', path: 'out.json', rollout: { kind: 'replace' } },
      });
      expect(replaced.modelOutput).toEqual({ model: 'ctr', path: 'out.json', rollout: { kind: 'replace' } });
      // A patch without the field keeps it.
      expect((await service.update(alice, 'train', { retries: 1 })).modelOutput?.path).toBe('out.json');

      const cleared = await service.update(alice, 'train', { modelOutput: null });
      expect(cleared).not.toHaveProperty('modelOutput');
      expect((await runtime.definitions.get(jobObjectName('alice', 'train'))).spec).not.toHaveProperty(
        'modelOutput',
      );
    });
  });

  describe('delete', () => {
    it("removes the definition, its runs and every artifact of the job, and nothing of the owner's other jobs", async () => {
      await service.create(alice, body('daily'));
      await service.create(alice, body('weekly'));
      const job = await service.getObject(alice, 'daily');
      const objectName = job.metadata.name ?? '';
      const run = await runtime.startRun(job, { trigger: 'manual' });
      await runtime.finish(run.id, 'succeeded');
      await artifacts.put(
        artifactKeys.runArtifact('alice', objectName, run.id, 'log.txt'),
        Buffer.from('ok'),
      );

      await service.delete(alice, 'daily');
      expect(errorKind(await rejectionOf(service.getObject(alice, 'daily')))).toBe('not-found');
      expect(await runtime.listRuns(objectName)).toEqual([]);
      expect(await runtime.getRun(run.id)).toBeUndefined();
      expect(await artifacts.keys(artifactKeys.jobPrefix('alice', objectName))).toEqual([]);
      const weekly = await service.getObject(alice, 'weekly');
      expect(await storedKeys('alice')).toEqual([weekly.spec.notebook.inputKey]);
    });
  });

  describe('ownership', () => {
    it("reports another user's job as not found, for reads, edits and deletes, and changes nothing", async () => {
      await service.create(alice, body('daily'));
      const before = await runtime.definitions.get(jobObjectName('alice', 'daily'));
      expect(errorKind(await rejectionOf(service.get(bob, 'daily')))).toBe('not-found');
      expect(errorKind(await rejectionOf(service.get(bob, 'daily', 'alice')))).toBe('not-found');
      expect(errorKind(await rejectionOf(service.update(bob, 'daily', { suspend: true }, 'alice')))).toBe(
        'not-found',
      );
      expect(errorKind(await rejectionOf(service.delete(bob, 'daily', 'alice')))).toBe('not-found');
      expect((await service.list(bob, {})).items).toEqual([]);
      expect(await runtime.definitions.get(jobObjectName('alice', 'daily'))).toEqual(before);
    });

    it("lets an admin read another user's job, and refuses a user listing someone else's", async () => {
      await service.create(alice, body('daily'));
      expect(await service.get(admin, 'daily', 'alice')).toMatchObject({ name: 'daily', owner: 'alice' });
      expect((await service.list(admin, { user: 'alice' })).items.map((j) => j.name)).toEqual(['daily']);
      expect(errorKind(await rejectionOf(service.list(bob, { user: 'alice' })))).toBe('forbidden');
    });
  });
});
