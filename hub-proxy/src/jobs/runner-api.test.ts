import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../artifacts/filesystem-store.js';
import { Unauthenticated } from '../errors/index.js';
import { rejectionOf } from '../errors/testing/rejection.js';
import { ANNOTATIONS } from '../ownership/labels.js';
import type { NotebookJob, RunRecord } from './model.js';
import { jobObjectName } from './naming.js';
import { HmacRunTokens } from './run-token.js';
import { RunnerApiService } from './runner-api.js';
import { errorKind } from './testing/error-kind.js';
import { InMemoryJobRuntime } from './testing/in-memory-job-runtime.js';
import { notebookJobFixture } from './testing/notebook-job-fixture.js';

/** Two user names whose first 6 hex of sha256 (the old 24-bit object-name suffix) are equal. */
const OLD_SUFFIX_COLLISION = ['user9955', 'user11153'] as const;

const NOTEBOOK = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] };

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(text);
}

describe('RunnerApiService: which runs a run token reaches', () => {
  let dir: string;
  let artifacts: FilesystemArtifactStore;
  let runtime: InMemoryJobRuntime;
  let service: RunnerApiService;
  const tokens = new HmacRunTokens('a test secret of at least sixteen characters');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runner-api-'));
    artifacts = new FilesystemArtifactStore({
      directory: dir,
      maxObjectBytes: 1 << 20,
      maxOwnerBytes: 1 << 24,
    });
    runtime = new InMemoryJobRuntime();
    await runtime.start();
    service = new RunnerApiService({ runtime, artifacts, tokens });
  });
  afterEach(async () => {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Stores the job's snapshot and creates it, as the jobs service does. */
  async function createJob(owner: string, jobName: string): Promise<NotebookJob> {
    const job = notebookJobFixture(owner, jobName);
    await artifacts.put(job.spec.notebook.inputKey, Buffer.from(JSON.stringify(NOTEBOOK)));
    return runtime.definitions.create(job);
  }

  /** What the controller puts into the job's runner Secret: the object's name, uid and owner. */
  function jobToken(job: NotebookJob, claims: { owner?: string; uid?: string } = {}): string {
    return tokens.issue(
      {
        job: job.metadata.name ?? '',
        uid: claims.uid ?? job.metadata.uid ?? '',
        owner: claims.owner ?? job.metadata.annotations?.[ANNOTATIONS.ownerName] ?? '',
      },
      3600,
    );
  }

  /** The kinds of error each runner call answers with (`ok` when it succeeds). */
  async function outcomes(token: string, run: RunRecord): Promise<string[]> {
    const auth = `Bearer ${token}`;
    const calls = [
      () => service.spec(auth, run.id),
      () => service.progress(auth, run.id, { cell: 1, cells: 2 }),
      () => service.putArtifact(auth, run.id, 'log.txt', bytes('overwritten')),
    ];
    const kinds: string[] = [];
    for (const call of calls) {
      kinds.push(
        await call().then(
          () => 'ok',
          (err: unknown) => errorKind(err),
        ),
      );
    }
    return kinds;
  }

  it("serves its own job's running run, and answers 409 once the run has ended", async () => {
    const job = await createJob('alice', 'daily');
    const run = await runtime.startRun(job, { trigger: 'manual', parameters: { n: 2 } });
    const token = jobToken(job);
    expect(await service.spec(`Bearer ${token}`, run.id)).toMatchObject({ run: run.id, job: 'daily' });
    expect(await outcomes(token, run)).toEqual(['ok', 'ok', 'ok']);
    await runtime.finish(run.id, 'succeeded');
    expect(await outcomes(token, run)).toEqual(['conflict', 'conflict', 'conflict']);
  });

  it('answers 401 without a token or with one that does not verify', async () => {
    const job = await createJob('alice', 'daily');
    const run = await runtime.startRun(job, { trigger: 'manual' });
    expect(await rejectionOf(service.spec(undefined, run.id))).toBeInstanceOf(Unauthenticated);
    expect(await rejectionOf(service.spec('Bearer trt2.x.y', run.id))).toBeInstanceOf(Unauthenticated);
  });

  it('refuses (404) a token kept from a deleted job once a job of the same name and owner is recreated', async () => {
    const first = await createJob('alice', 'daily');
    const kept = jobToken(first);
    await runtime.definitions.delete(first.metadata.name ?? '');

    const again = await createJob('alice', 'daily');
    expect(again.metadata.name).toBe(first.metadata.name);
    expect(again.metadata.uid).not.toBe(first.metadata.uid);
    const run = await runtime.startRun(again, { trigger: 'manual' });
    expect(await outcomes(kept, run)).toEqual(['not-found', 'not-found', 'not-found']);
    expect(await outcomes(jobToken(again), run)).toEqual(['ok', 'ok', 'ok']);
  });

  it("refuses (404) a token of the right object whose owner is not the run's", async () => {
    const job = await createJob('alice', 'daily');
    const run = await runtime.startRun(job, { trigger: 'manual' });
    expect(await outcomes(jobToken(job, { owner: 'mallory' }), run)).toEqual([
      'not-found',
      'not-found',
      'not-found',
    ]);
  });

  it("answers 404, never 403, for a run outside the token's reach, so tokens cannot probe other runs", async () => {
    const mine = await createJob('alice', 'daily');
    const theirs = await createJob('bob', 'daily');
    const myRun = await runtime.startRun(mine, { trigger: 'manual' });
    const theirRun = await runtime.startRun(theirs, { trigger: 'manual' });
    // Another job's run, and a run that does not exist, look the same.
    expect(await outcomes(jobToken(mine), theirRun)).toEqual(['not-found', 'not-found', 'not-found']);
    const missing = { ...theirRun, id: `${theirRun.jobObjectName}-mzzzzzzzz` };
    expect(await outcomes(jobToken(mine), missing)).toEqual(['not-found', 'not-found', 'not-found']);
    // A run-scoped token asking about another run of its own job.
    const otherRun = await runtime.startRun(mine, { trigger: 'manual' });
    const runToken = tokens.issue(
      { job: mine.metadata.name ?? '', uid: mine.metadata.uid ?? '', owner: 'alice', run: otherRun.id },
      3600,
    );
    expect(await outcomes(runToken, myRun)).toEqual(['not-found', 'not-found', 'not-found']);
    expect(await outcomes(runToken, otherRun)).toEqual(['ok', 'ok', 'ok']);
  });

  it('keeps owners whose old 24-bit object-name suffix collided apart: own objects, no reach into each other', async () => {
    const [a, b] = OLD_SUFFIX_COLLISION;
    const oldSuffix = (owner: string) => createHash('sha256').update(owner).digest('hex').slice(0, 6);
    expect(oldSuffix(a)).toBe(oldSuffix(b));
    expect(jobObjectName(a, 'daily')).not.toBe(jobObjectName(b, 'daily'));

    const jobA = await createJob(a, 'daily');
    const jobB = await createJob(b, 'daily');
    const runA = await runtime.startRun(jobA, { trigger: 'manual' });
    const runB = await runtime.startRun(jobB, { trigger: 'manual' });
    expect(await outcomes(jobToken(jobA), runB)).toEqual(['not-found', 'not-found', 'not-found']);
    expect(await outcomes(jobToken(jobB), runA)).toEqual(['not-found', 'not-found', 'not-found']);
    expect(await outcomes(jobToken(jobA), runA)).toEqual(['ok', 'ok', 'ok']);
    expect(await outcomes(jobToken(jobB), runB)).toEqual(['ok', 'ok', 'ok']);
  });
});
