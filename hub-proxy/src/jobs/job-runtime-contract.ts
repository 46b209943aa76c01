import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../errors/testing/rejection.js';
import { LABELS } from '../ownership/labels.js';
import { ownerLabelValue, ownerSelector } from '../ownership/ownership.js';
import {
  isTerminal,
  type AlertDelivery,
  type JobRuntime,
  type NotebookJob,
  type RunRecord,
  type StartRunRequest,
} from './model.js';
import { dependencyRunId } from './naming.js';
import { errorKind } from './testing/error-kind.js';

/** How the runs of a contract job end. `hang`: not while the suite waits; the suite cancels them. */
export type ContractRunBehaviour = 'succeed' | 'fail' | 'hang';

/** A started runtime made for the suite, and what the suite needs to drive it. */
export interface JobRuntimeHarness {
  /** Started; the suite registers one run-finished listener and never calls start or stop. */
  runtime: JobRuntime;
  /**
   * A NotebookJob, not yet created, owned by `owner` (owner label and
   * annotation set), whose runs end as `behaviour` says, with anything the
   * runtime needs to run it (an input snapshot in the artifact store, ...).
   */
  makeJob(owner: string, jobName: string, behaviour: ContractRunBehaviour): Promise<NotebookJob>;
  /**
   * For runtimes whose runs never end on their own (fakes): ends the run.
   * Real runtimes leave it out; their runs end as the job's behaviour says.
   */
  finishRun?(runId: string, outcome: 'succeeded' | 'failed'): Promise<void>;
  /** Longest a `succeed` or `fail` run may take to end. Default 60 s. */
  runTimeoutMs?: number;
  /** How long a write may take to show in reads (runtimes that read from caches). Default 5 s. */
  readLagMs?: number;
  /**
   * Resolution of run creation times. Runs created within one such interval
   * have no defined order, so the ordering case starts its runs this far
   * apart (Kubernetes creationTimestamps have whole seconds). Default 10 ms.
   */
  runTimeResolutionMs?: number;
  /** Stops the runtime and removes everything made for it. */
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined/false; fails after `timeoutMs`. */
async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * The behaviour every {@link JobRuntime} must have, whatever stores its
 * definitions and executes its runs. Call inside a test file; `setup` makes
 * one started runtime for the whole suite (each case uses its own owner, so
 * cases never see each other's objects). Error assertions look at the
 * error's kind ({@link errorKind}), not its class.
 */
export function describeJobRuntimeContract(name: string, setup: () => Promise<JobRuntimeHarness>): void {
  describe(`${name} job runtime contract`, () => {
    let harness: JobRuntimeHarness;
    let runtime: JobRuntime;
    const delivered: { run: RunRecord; job: NotebookJob | undefined }[] = [];
    const startedRuns: string[] = [];

    beforeAll(async () => {
      harness = await setup();
      runtime = harness.runtime;
      runtime.onRunFinished((run, job) => {
        delivered.push({ run, job });
        return Promise.resolve();
      });
    });
    // Runs a case left going would hold processes or pods for the rest of the suite.
    afterEach(async () => {
      const ids = startedRuns.splice(0);
      await Promise.all(ids.map((id) => runtime.cancelRun(id).catch(() => undefined)));
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    const newOwner = () => `contract-${randomBytes(4).toString('hex')}@example.org`;
    const lag = () => harness.readLagMs ?? 5_000;
    const create = async (owner: string, jobName: string, behaviour: ContractRunBehaviour = 'hang') =>
      runtime.definitions.create(await harness.makeJob(owner, jobName, behaviour));
    const start = async (job: NotebookJob, request: StartRunRequest = { trigger: 'manual' }) => {
      const run = await runtime.startRun(job, request);
      startedRuns.push(run.id);
      return run;
    };
    const waitForEnd = (runId: string) =>
      eventually(`run ${runId} to end`, harness.runTimeoutMs ?? 60_000, async () => {
        const run = await runtime.getRun(runId);
        return run && isTerminal(run.state) && run;
      });
    const runToEnd = async (job: NotebookJob, outcome: 'succeeded' | 'failed') => {
      const run = await start(job);
      await harness.finishRun?.(run.id, outcome);
      return waitForEnd(run.id);
    };
    // Listeners are called in the background on every runtime, so this waits at least a few seconds.
    const deliveredRun = (runId: string, state: string) =>
      eventually(`run ${runId} delivered as ${state}`, Math.max(lag(), 5_000), () =>
        Promise.resolve(delivered.find((d) => d.run.id === runId && d.run.state === state)),
      );
    const namesOf = (items: NotebookJob[]) => items.map((job) => job.metadata.name ?? '').sort();

    describe('definitions', () => {
      it('creates a definition and reads it back with uid, resourceVersion and generation set', async () => {
        const owner = newOwner();
        const job = await harness.makeJob(owner, 'created', 'succeed');
        const created = await runtime.definitions.create(job);
        expect(created.metadata).toMatchObject({
          name: job.metadata.name,
          uid: expect.any(String),
          resourceVersion: expect.any(String),
          generation: 1,
          labels: job.metadata.labels,
          annotations: job.metadata.annotations,
        });
        expect(created.spec).toMatchObject(job.spec);
        const read = await runtime.definitions.get(job.metadata.name ?? '');
        expect(read.metadata).toMatchObject({
          uid: created.metadata.uid,
          resourceVersion: created.metadata.resourceVersion,
        });
        expect(read.spec).toEqual(created.spec);
      });

      it('refuses to create a taken name as a conflict and keeps the stored object', async () => {
        const owner = newOwner();
        const first = await create(owner, 'taken', 'succeed');
        const second = await harness.makeJob(owner, 'taken', 'succeed');
        second.spec.parameters = { overwritten: true };
        expect(errorKind(await rejectionOf(runtime.definitions.create(second)))).toBe('conflict');
        const stored = await runtime.definitions.get(first.metadata.name ?? '');
        expect(stored.metadata.uid).toBe(first.metadata.uid);
        expect(stored.spec.parameters).toEqual(first.spec.parameters);
      });

      it('reports get, replace and delete of a missing name as not-found', async () => {
        const missing = await harness.makeJob(newOwner(), 'missing', 'succeed');
        const name = missing.metadata.name ?? '';
        expect(errorKind(await rejectionOf(runtime.definitions.get(name)))).toBe('not-found');
        expect(errorKind(await rejectionOf(runtime.definitions.replace(missing)))).toBe('not-found');
        expect(errorKind(await rejectionOf(runtime.definitions.delete(name)))).toBe('not-found');
      });

      it('lists only the objects its label selector matches', async () => {
        const [alice, bob] = [newOwner(), newOwner()];
        const mine = [await create(alice, 'one', 'succeed'), await create(alice, 'two', 'succeed')];
        const theirs = await create(bob, 'one', 'succeed');
        const listed = await runtime.definitions.list({ labelSelector: ownerSelector(alice) });
        expect(namesOf(listed.items)).toEqual(namesOf(mine));
        const both = `${LABELS.owner} in (${ownerLabelValue(alice)},${ownerLabelValue(bob)})`;
        expect(namesOf((await runtime.definitions.list({ labelSelector: both })).items)).toEqual(
          namesOf([...mine, theirs]),
        );
      });

      it('pages a listing with limit and continue, each object exactly once', async () => {
        const owner = newOwner();
        const made = [];
        for (const jobName of ['page-a', 'page-b', 'page-c'])
          made.push(await create(owner, jobName, 'succeed'));
        const labelSelector = ownerSelector(owner);
        const first = await runtime.definitions.list({ labelSelector, limit: 2 });
        expect(first.items.length).toBeLessThanOrEqual(2);
        expect(first.continue).toEqual(expect.any(String));
        const seen = [...first.items];
        // A page may hold fewer than `limit` while `continue` is still set; follow it to the end.
        for (let cursor = first.continue, pages = 1; cursor; pages++) {
          expect(pages).toBeLessThan(5);
          const page = await runtime.definitions.list({ labelSelector, limit: 2, continue: cursor });
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.items);
          cursor = page.continue;
        }
        expect(namesOf(seen)).toEqual(namesOf(made));
      });

      it('replaces with the current resourceVersion and refuses a stale one as a conflict', async () => {
        const owner = newOwner();
        const created = await create(owner, 'edited', 'succeed');
        const replaced = await runtime.definitions.replace({
          ...created,
          spec: { ...created.spec, parameters: { edit: 1 } },
        });
        expect(replaced.spec.parameters).toEqual({ edit: 1 });
        expect(replaced.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
        expect(replaced.metadata.generation).toBe((created.metadata.generation ?? 0) + 1);
        const stale = { ...created, spec: { ...created.spec, parameters: { edit: 2 } } };
        expect(errorKind(await rejectionOf(runtime.definitions.replace(stale)))).toBe('conflict');
        const stored = await runtime.definitions.get(created.metadata.name ?? '');
        expect(stored.spec.parameters).toEqual({ edit: 1 });
        expect(stored.metadata.resourceVersion).toBe(replaced.metadata.resourceVersion);
      });

      it('deletes only when a uid precondition names the stored object', async () => {
        const created = await create(newOwner(), 'deleted', 'succeed');
        const name = created.metadata.name ?? '';
        const wrongUid = '00000000-0000-4000-8000-000000000000';
        expect(errorKind(await rejectionOf(runtime.definitions.delete(name, { uid: wrongUid })))).toBe(
          'conflict',
        );
        expect((await runtime.definitions.get(name)).metadata.uid).toBe(created.metadata.uid);
        await runtime.definitions.delete(name, { uid: created.metadata.uid ?? '' });
        const gone = await eventually('the definition gone', lag(), () =>
          runtime.definitions.get(name).then(
            () => false,
            (err: unknown) => err,
          ),
        );
        expect(errorKind(gone)).toBe('not-found');
      });
    });

    describe('alert history', () => {
      it('appends alert deliveries to the job status, keeping the newest 20, and ignores a missing job', async () => {
        if (!runtime.recordAlertDelivery) return; // optional in the interface; both real runtimes have it
        const job = await create(newOwner(), 'alerted', 'succeed');
        const name = job.metadata.name ?? '';
        const delivery = (i: number): AlertDelivery => ({
          run: `r${i}`,
          event: 'failure',
          target: 'https://hooks.example',
          delivered: true,
          attempts: 1,
          at: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
          status: 200,
        });
        for (let i = 0; i < 22; i++) await runtime.recordAlertDelivery(name, delivery(i));
        await runtime.recordAlertDelivery(`${name}-gone`, delivery(99));
        const alerts = await eventually('22 deliveries recorded', lag(), async () => {
          const found = (await runtime.definitions.get(name)).status?.alerts;
          return found?.at(-1)?.run === 'r21' && found;
        });
        expect(alerts).toEqual(Array.from({ length: 20 }, (_, i) => delivery(i + 2)));
      });
    });

    describe('runs', () => {
      it('starts a run as queued or running, carrying the trigger and parameters of the request', async () => {
        const owner = newOwner();
        const job = await create(owner, 'started');
        const run = await start(job, { trigger: 'manual', parameters: { n: 2 } });
        expect(run).toMatchObject({
          jobObjectName: job.metadata.name,
          job: 'started',
          owner,
          trigger: 'manual',
          parameters: { n: 2 },
          markers: [],
        });
        expect(['queued', 'running']).toContain(run.state);
        expect(Number.isNaN(Date.parse(run.createdAt))).toBe(false);
        expect((await runtime.getRun(run.id))?.jobObjectName).toBe(job.metadata.name);
      });

      it('starts one run per runId, also when the same start is repeated concurrently', async () => {
        const job = await create(newOwner(), 'idempotent');
        const objectName = job.metadata.name ?? '';
        const runId = dependencyRunId(objectName, 'upstream-run');
        const request: StartRunRequest = { trigger: 'dependency', runId, triggeredBy: 'upstream-run' };
        const [a, b] = await Promise.all([start(job, request), start(job, request)]);
        expect(await runtime.claimMarker(runId, 'alerts')).toBe(true);
        // The repeat returns the run that exists, with what happened to it since, not a fresh one.
        const again = await start(job, request);
        expect([a.id, b.id, again.id]).toEqual([runId, runId, runId]);
        expect(again).toMatchObject({
          trigger: 'dependency',
          triggeredBy: 'upstream-run',
          markers: ['alerts'],
        });
        const runs = await eventually('the run listed', lag(), async () => {
          const listed = await runtime.listRuns(objectName);
          return listed.some((r) => r.id === runId) && listed;
        });
        expect(runs.map((r) => r.id)).toEqual([runId]);
      });

      it("lists a job's runs newest first, and none of another job's", async () => {
        const owner = newOwner();
        const [job, other] = [await create(owner, 'ordered'), await create(owner, 'other')];
        const gap = (harness.runTimeResolutionMs ?? 10) + 50;
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          if (i > 0) await sleep(gap);
          ids.push((await start(job)).id);
        }
        const otherRun = await start(other);
        const listed = await eventually('three runs listed', lag(), async () => {
          const runs = await runtime.listRuns(job.metadata.name ?? '');
          return runs.length >= 3 && runs;
        });
        expect(listed.map((r) => r.id)).toEqual(ids.reverse());
        expect(listed.map((r) => r.id)).not.toContain(otherRun.id);
      });

      it('answers getRun of an unknown id with undefined', async () => {
        const job = await create(newOwner(), 'unknown-runs');
        expect(await runtime.getRun(`${job.metadata.name ?? ''}-mzzzzzzzz`)).toBeUndefined();
        expect(await runtime.getRun('no-such-job-000000-m00000000')).toBeUndefined();
      });

      it('reports cancelRun, claimMarker and recordProgress of an unknown run as not-found', async () => {
        const job = await create(newOwner(), 'no-run');
        const id = `${job.metadata.name ?? ''}-mzzzzzzzz`;
        expect(errorKind(await rejectionOf(runtime.cancelRun(id)))).toBe('not-found');
        expect(errorKind(await rejectionOf(runtime.claimMarker(id, 'alerts')))).toBe('not-found');
        expect(errorKind(await rejectionOf(runtime.recordProgress(id, { cell: 1, cells: 2 })))).toBe(
          'not-found',
        );
      });

      it('claims a marker once (true, then false), and of concurrent claims exactly one wins', async () => {
        const run = await start(await create(newOwner(), 'markers'));
        expect(await runtime.claimMarker(run.id, 'alerts')).toBe(true);
        expect(await runtime.claimMarker(run.id, 'alerts')).toBe(false);
        const claims = await Promise.all(
          Array.from({ length: 6 }, () => runtime.claimMarker(run.id, 'dependents')),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        const markers = await eventually('both markers on the run', lag(), async () => {
          const found = (await runtime.getRun(run.id))?.markers ?? [];
          return found.length >= 2 && [...found].sort();
        });
        expect(markers).toEqual(['alerts', 'dependents']);
      });

      it('records progress that getRun then shows', async () => {
        const run = await start(await create(newOwner(), 'progress'));
        await runtime.recordProgress(run.id, { cell: 2, cells: 5 });
        const progress = await eventually(
          'the progress',
          lag(),
          async () => (await runtime.getRun(run.id))?.progress,
        );
        expect(progress).toEqual({ cell: 2, cells: 5 });
      });

      it('records a model output outcome that getRun then shows, a later one replacing it', async () => {
        const run = await start(await create(newOwner(), 'published'));
        await runtime.recordModelOutput(run.id, { model: 'ctr', error: 'publishing failed; it is retried' });
        await eventually('the error', lag(), async () => {
          const found = await runtime.getRun(run.id);
          return found?.modelOutput !== undefined && 'error' in found.modelOutput;
        });
        await runtime.recordModelOutput(run.id, { model: 'ctr', version: 4 });
        const outcome = await eventually('the version', lag(), async () => {
          const found = (await runtime.getRun(run.id))?.modelOutput;
          return found && 'version' in found ? found : undefined;
        });
        expect(outcome).toEqual({ model: 'ctr', version: 4 });
      });

      it('ends a run of a succeeding job `succeeded` with finishedAt, and hands it to the listeners', async () => {
        const job = await create(newOwner(), 'succeeds', 'succeed');
        const done = await runToEnd(job, 'succeeded');
        expect(done).toMatchObject({ state: 'succeeded', jobObjectName: job.metadata.name });
        expect(done.reason).toBeUndefined();
        expect(Date.parse(done.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(done.createdAt) - 1000);
        const { job: deliveredJob } = await deliveredRun(done.id, 'succeeded');
        expect(deliveredJob?.metadata.uid).toBe(job.metadata.uid);
        expect(delivered.filter((d) => !isTerminal(d.run.state))).toEqual([]);
      });

      it('ends a run of a failing job `failed` with a reason, and hands it to the listeners', async () => {
        const job = await create(newOwner(), 'fails', 'fail');
        const done = await runToEnd(job, 'failed');
        expect(done.state).toBe('failed');
        expect(done.reason).toEqual(expect.stringMatching(/\S/));
        expect(done.finishedAt).toEqual(expect.any(String));
        expect((await deliveredRun(done.id, 'failed')).job?.metadata.name).toBe(job.metadata.name);
      });

      it('cancels a running run: it ends `cancelled`, the listeners get it, and a second cancel changes nothing', async () => {
        const run = await start(await create(newOwner(), 'cancelled'));
        const cancelled = await runtime.cancelRun(run.id);
        expect(cancelled).toMatchObject({ id: run.id, state: 'cancelled' });
        await deliveredRun(run.id, 'cancelled');
        const stored = await eventually('the cancellation stored', lag(), async () => {
          const found = await runtime.getRun(run.id);
          return found?.state === 'cancelled' && found.finishedAt !== undefined && found;
        });
        const again = await runtime.cancelRun(run.id);
        expect(again).toMatchObject({ state: 'cancelled', finishedAt: stored.finishedAt });
      });

      it('returns a finished run unchanged from cancelRun', async () => {
        const done = await runToEnd(await create(newOwner(), 'finished', 'succeed'), 'succeeded');
        const after = await runtime.cancelRun(done.id);
        expect(after).toMatchObject({ id: done.id, state: 'succeeded', finishedAt: done.finishedAt });
        expect((await runtime.getRun(done.id))?.state).toBe('succeeded');
      });

      it('deletes a finished run from getRun and listRuns; deleting it again is fine', async () => {
        const job = await create(newOwner(), 'retained', 'fail');
        const done = await runToEnd(job, 'failed');
        await runtime.deleteRun(done.id);
        await eventually('the run gone', lag(), async () => (await runtime.getRun(done.id)) === undefined);
        await eventually('the run unlisted', lag(), async () =>
          (await runtime.listRuns(job.metadata.name ?? '')).every((r) => r.id !== done.id),
        );
        await expect(runtime.deleteRun(done.id)).resolves.toBeUndefined();
      });
    });
  });
}
