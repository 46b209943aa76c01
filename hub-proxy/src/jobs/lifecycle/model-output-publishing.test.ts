import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../../artifacts/filesystem-store.js';
import { Unavailable, Unprocessable } from '../../errors/index.js';
import { createLogger } from '../../observability/logger.js';
import type { ModelOutputSpec, NotebookJob, RunRecord, RunState } from '../model.js';
import type { ModelOutputPublisher, ModelOutputRequest } from '../model-output.js';
import { ModelOutputRegistry } from '../model-output.js';
import { artifactKeys } from '../naming.js';
import { InMemoryJobRuntime } from '../testing/in-memory-job-runtime.js';
import { notebookJobFixture } from '../testing/notebook-job-fixture.js';
import { MODELS_DISABLED, PUBLISH_FAILED_TRANSIENTLY, rolloutOf } from './model-output-publishing.js';
import { RunLifecycle } from './run-lifecycle.js';
import { WebhookPolicy } from './webhook-policy.js';

const OUTPUT: ModelOutputSpec = { model: 'ctr', path: 'model/', rollout: { kind: 'canary', percent: 20 } };

/** A publisher that records each call and answers the next version, once per run id. */
class RecordingPublisher implements ModelOutputPublisher {
  readonly calls: ModelOutputRequest[] = [];
  private readonly versions = new Map<string, number>();
  /** Thrown by the next calls instead of publishing (each call takes one). */
  readonly failures: unknown[] = [];

  publish(request: ModelOutputRequest): Promise<{ version: number }> {
    this.calls.push(structuredClone(request));
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    const version = this.versions.get(request.runId) ?? this.versions.size + 1;
    this.versions.set(request.runId, version);
    return Promise.resolve({ version });
  }
}

describe('model output publishing in the run lifecycle', () => {
  let dir: string;
  let artifacts: FilesystemArtifactStore;
  let runtime: InMemoryJobRuntime;
  let registry: ModelOutputRegistry;
  let publisher: RecordingPublisher;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'model-output-publishing-'));
    artifacts = new FilesystemArtifactStore({
      directory: dir,
      maxObjectBytes: 1 << 20,
      maxOwnerBytes: 1 << 24,
    });
    runtime = new InMemoryJobRuntime();
    await runtime.start();
    registry = new ModelOutputRegistry();
    publisher = new RecordingPublisher();
    registry.setPublisher(publisher);
    new RunLifecycle({
      runtime,
      artifacts,
      logger: createLogger({ level: 'silent' }),
      webhookPolicy: new WebhookPolicy({}),
      modelOutputPublisher: () => registry.publisher,
      publishRetry: { attempts: 2, backoffMs: 10 },
    }).attach();
  });
  afterEach(async () => {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const createJob = (name: string, modelOutput: ModelOutputSpec | null = OUTPUT) =>
    runtime.definitions.create(notebookJobFixture('alice', name, modelOutput ? { modelOutput } : {}));

  /** Starts a run, stores `files` as its uploaded model output, ends it as `state`; returns it as stored after. */
  async function runWith(
    job: NotebookJob,
    state: RunState,
    files: Record<string, string> = { 'model.json': '{"trees": 3}' },
  ): Promise<RunRecord> {
    const run = await runtime.startRun(job, { trigger: 'manual' });
    const prefix = artifactKeys.modelOutputPrefix(run.owner, run.jobObjectName, run.id);
    for (const [path, text] of Object.entries(files))
      await artifacts.put(`${prefix}${path}`, Buffer.from(text));
    await runtime.finish(run.id, state, state === 'succeeded' ? undefined : 'it broke');
    await runtime.idle();
    return (await runtime.getRun(run.id)) as RunRecord;
  }

  it('publishes a succeeded run once with its files, rollout and owner, and records the version', async () => {
    const job = await createJob('train');
    const run = await runWith(job, 'succeeded', { 'model.json': '{}', 'sub/extra.bin': 'xyz' });

    expect(publisher.calls).toHaveLength(1);
    const prefix = artifactKeys.modelOutputPrefix('alice', run.jobObjectName, run.id);
    expect(publisher.calls[0]).toEqual({
      owner: 'alice',
      job: 'train',
      runId: run.id,
      model: 'ctr',
      rollout: { kind: 'canary', percent: 20 },
      files: [
        { path: 'model.json', key: `${prefix}model.json`, sizeBytes: 2 },
        { path: 'sub/extra.bin', key: `${prefix}sub/extra.bin`, sizeBytes: 3 },
      ],
    });
    expect(run.modelOutput).toEqual({ model: 'ctr', version: 1 });
    expect(run.markers).toContain('model-output');
    expect(run.state).toBe('succeeded');
  });

  it('does not publish again when the same run is delivered again', async () => {
    const job = await createJob('train');
    const run = await runWith(job, 'succeeded');
    await runtime.redeliver(run.id);
    await runtime.redeliver(run.id);

    expect(publisher.calls).toHaveLength(1);
    expect((await runtime.getRun(run.id))?.modelOutput).toEqual({ model: 'ctr', version: 1 });
  });

  it.each(['failed', 'cancelled', 'timed_out'] as const)('publishes nothing for a %s run', async (state) => {
    const job = await createJob('train');
    const run = await runWith(job, state);

    expect(publisher.calls).toEqual([]);
    expect(run.modelOutput).toBeUndefined();
    expect(run.markers).not.toContain('model-output');
  });

  it('publishes nothing for a job without a model output', async () => {
    const job = await createJob('plain', null);
    const run = await runWith(job, 'succeeded');

    expect(publisher.calls).toEqual([]);
    expect(run.modelOutput).toBeUndefined();
  });

  it('gives two successful runs of one job two versions', async () => {
    const job = await createJob('train');
    const first = await runWith(job, 'succeeded');
    const second = await runWith(job, 'succeeded');

    expect([first.modelOutput, second.modelOutput]).toEqual([
      { model: 'ctr', version: 1 },
      { model: 'ctr', version: 2 },
    ]);
  });

  it('records that models are off when no publisher is set, without failing the run', async () => {
    const off = new ModelOutputRegistry();
    registry = off;
    const job = await createJob('train');
    const run = await runWith(job, 'succeeded');

    expect(run.state).toBe('succeeded');
    expect(run.modelOutput).toEqual({ model: 'ctr', error: MODELS_DISABLED });
    expect(run.markers).toEqual(expect.arrayContaining(['model-output', 'recorded']));
  });

  it('records a refusal the publisher explains as final, and keeps the run succeeded', async () => {
    publisher.failures.push(
      new Unprocessable([{ field: 'files', message: 'expected model.json' }], "'model/' is not a model."),
    );
    const job = await createJob('train');
    const run = await runWith(job, 'succeeded');
    await runtime.redeliver(run.id);

    expect(publisher.calls).toHaveLength(1);
    expect((await runtime.getRun(run.id))?.modelOutput).toEqual({
      model: 'ctr',
      error: "'model/' is not a model.",
    });
    expect(run.state).toBe('succeeded');
  });

  it('retries a transient failure at once and records the version', async () => {
    publisher.failures.push(new Error('socket hang up'));
    const job = await createJob('train');
    const run = await runWith(job, 'succeeded');

    expect(publisher.calls).toHaveLength(2);
    expect(run.modelOutput).toEqual({ model: 'ctr', version: 1 });
    expect(run.markers).toEqual(expect.arrayContaining(['model-output', 'recorded']));
  });

  it('shows a lasting transient failure, then replaces it with the version when the delivery is repeated', async () => {
    publisher.failures.push(new Unavailable('the store is down'), new Unavailable('the store is down'));
    const job = await createJob('train');
    const run = await runWith(job, 'succeeded');

    expect(run.modelOutput).toEqual({ model: 'ctr', error: PUBLISH_FAILED_TRANSIENTLY });
    expect(run.markers).not.toContain('model-output');
    expect(run.markers).not.toContain('recorded');

    await runtime.redeliver(run.id);
    const after = await runtime.getRun(run.id);
    expect(publisher.calls).toHaveLength(3);
    expect(after?.modelOutput).toEqual({ model: 'ctr', version: 1 });
    expect(after?.markers).toEqual(expect.arrayContaining(['model-output', 'recorded']));
  });

  it('records a run that uploaded no files instead of calling the publisher', async () => {
    const job = await createJob('train');
    const run = await runWith(job, 'succeeded', {});

    expect(publisher.calls).toEqual([]);
    expect(run.modelOutput).toEqual({ model: 'ctr', error: "The run uploaded no files from 'model/'." });
  });

  it('keeps a succeeded run past the history limit until its output is published', async () => {
    publisher.failures.push(new Error('boom'), new Error('boom'));
    const job = await runtime.definitions.create(
      notebookJobFixture('alice', 'train', { modelOutput: OUTPUT, historyLimit: 1 }),
    );
    const unpublished = await runWith(job, 'succeeded');
    await runWith(job, 'failed');
    await runWith(job, 'failed');

    expect(await runtime.getRun(unpublished.id)).toBeDefined();
    const prefix = artifactKeys.modelOutputPrefix('alice', unpublished.jobObjectName, unpublished.id);
    expect(await artifacts.keys(prefix)).toEqual([`${prefix}model.json`]);
  });
});

describe('rolloutOf', () => {
  it('turns the stored rollout into the publisher union and refuses a canary without a percent', () => {
    expect(rolloutOf({ rollout: { kind: 'replace' } })).toEqual({ kind: 'replace' });
    expect(rolloutOf({ rollout: { kind: 'canary', percent: 5 } })).toEqual({ kind: 'canary', percent: 5 });
    expect(() => rolloutOf({ rollout: { kind: 'canary' } })).toThrow(/no valid percent/);
    expect(() => rolloutOf({ rollout: { kind: 'canary', percent: 100 } })).toThrow(/no valid percent/);
  });
});
