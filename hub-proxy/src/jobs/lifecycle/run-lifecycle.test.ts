import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FilesystemArtifactStore } from '../../artifacts/filesystem-store.js';
import { createLogger } from '../../observability/logger.js';
import type { NotebookJob, NotebookJobSpec, RunRecord, RunState } from '../model.js';
import { artifactKeys, dependencyRunId } from '../naming.js';
import { InMemoryJobRuntime } from '../testing/in-memory-job-runtime.js';
import { notebookJobFixture } from '../testing/notebook-job-fixture.js';
import { RunLifecycle } from './run-lifecycle.js';
import { WEBHOOK_NOT_ALLOWED, WebhookPolicy } from './webhook-policy.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: { turing?: { event?: string; runId?: string } };
}

/** A webhook on 127.0.0.1 that records every POST and answers 200. */
async function startReceiver() {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret`,
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('RunLifecycle over the in-memory runtime', () => {
  let dir: string;
  let artifacts: FilesystemArtifactStore;
  let runtime: InMemoryJobRuntime;
  let lifecycle: RunLifecycle;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-lifecycle-'));
    artifacts = new FilesystemArtifactStore({
      directory: dir,
      maxObjectBytes: 1 << 20,
      maxOwnerBytes: 1 << 24,
    });
    runtime = new InMemoryJobRuntime();
    await runtime.start();
    receiver = await startReceiver();
    lifecycle = new RunLifecycle({
      runtime,
      artifacts,
      logger: createLogger({ level: 'silent' }),
      delivery: { attempts: 2, timeoutMs: 2000, backoffMs: 10 },
      // The test receiver listens on loopback, which only an allowlist opens.
      webhookPolicy: new WebhookPolicy({ allowedCidrs: ['127.0.0.1/32'] }),
    });
    lifecycle.attach();
  });
  afterEach(async () => {
    await runtime.stop();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  const create = (owner: string, jobName: string, spec: Partial<NotebookJobSpec> = {}) =>
    runtime.definitions.create(notebookJobFixture(owner, jobName, spec));
  const runsOf = (job: NotebookJob) => runtime.listRuns(job.metadata.name ?? '');
  /** Starts a run of `job` and ends it as `state`; resolves once the lifecycle has handled it. */
  async function runToEnd(job: NotebookJob, state: RunState): Promise<RunRecord> {
    const run = await runtime.startRun(job, { trigger: 'manual' });
    return runtime.finish(run.id, state, state === 'succeeded' ? undefined : 'it broke');
  }

  describe('dependents', () => {
    it('start once per upstream success, even when the finish is delivered twice, concurrently and stale', async () => {
      const extract = await create('alice', 'extract');
      const load = await create('alice', 'load', { dependsOn: ['extract'] });
      const paused = await create('alice', 'paused', { dependsOn: ['extract'], suspend: true });
      const bobs = await create('bob', 'load', { dependsOn: ['extract'] });

      const run = await runtime.startRun(extract, { trigger: 'manual' });
      const finishing = runtime.finish(run.id, 'succeeded');
      await Promise.all([finishing, runtime.redeliver(run.id), runtime.redeliver(run.id)]);
      // A replay of the record as first delivered: no markers yet, as after a crash mid-way.
      const stale = await finishing;
      await Promise.all([lifecycle.handle(stale, extract), lifecycle.handle(stale, extract)]);

      const started = await runsOf(load);
      expect(started).toHaveLength(1);
      expect(started[0]).toMatchObject({
        id: dependencyRunId(load.metadata.name ?? '', run.id),
        trigger: 'dependency',
        triggeredBy: run.id,
      });
      expect(await runsOf(paused)).toEqual([]);
      expect(await runsOf(bobs)).toEqual([]);
      expect((await runtime.getRun(run.id))?.markers).toEqual(
        expect.arrayContaining(['dependents', 'recorded']),
      );

      const second = await runToEnd(extract, 'succeeded');
      expect((await runsOf(load)).map((r) => r.triggeredBy).sort()).toEqual([run.id, second.id].sort());
    });

    it("never start another user's job, even one whose owner has the same KubeSpawner slug", async () => {
      // Both names slug to alice---2fce32fc (found by brute force), so the owner label matches both.
      const [a, b] = ['Alice_@_.._', 'Alice_.@+._!'];
      const extract = await create(a, 'extract');
      const mine = await create(a, 'load', { dependsOn: ['extract'] });
      const theirs = await create(b, 'load', { dependsOn: ['extract'] });
      await runToEnd(extract, 'succeeded');
      await runtime.idle();
      expect(await runsOf(mine)).toHaveLength(1);
      expect(await runsOf(theirs)).toEqual([]);
    });

    it('do not start after an upstream failure, timeout or cancellation', async () => {
      const extract = await create('alice', 'extract');
      const load = await create('alice', 'load', { dependsOn: ['extract'] });
      await runToEnd(extract, 'failed');
      await runToEnd(extract, 'timed_out');
      const cancelled = await runtime.startRun(extract, { trigger: 'manual' });
      await runtime.cancelRun(cancelled.id);
      await runtime.idle();
      expect(await runsOf(load)).toEqual([]);
      expect((await runtime.getRun(cancelled.id))?.markers).toContain('recorded');
    });
  });

  describe('alerts', () => {
    it('go out once per terminal run, however often it is delivered, and are recorded on the job', async () => {
      const job = await create('alice', 'watched', { alerts: [{ on: ['failure'], webhook: receiver.url }] });
      const run = await runtime.startRun(job, { trigger: 'manual' });
      const finishing = runtime.finish(run.id, 'failed', 'ZeroDivisionError');
      await Promise.all([finishing, runtime.redeliver(run.id), runtime.redeliver(run.id)]);
      await Promise.all([lifecycle.handle(await finishing, job), lifecycle.handle(await finishing, job)]);

      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]?.body.turing).toMatchObject({ event: 'failure', runId: run.id });
      expect(receiver.received[0]?.headers['idempotency-key']).toBe(`${run.id}/failure/0`);
      const { status } = await runtime.definitions.get(job.metadata.name ?? '');
      expect(status?.alerts).toEqual([
        expect.objectContaining({ run: run.id, event: 'failure', delivered: true, target: receiver.origin }),
      ]);
    });

    it('stay silent for outcomes the job did not subscribe to and for cancelled runs', async () => {
      const job = await create('alice', 'quiet', {
        alerts: [{ on: ['failure', 'timeout'], webhook: receiver.url }],
      });
      await runToEnd(job, 'succeeded');
      const cancelled = await runtime.startRun(job, { trigger: 'manual' });
      await runtime.cancelRun(cancelled.id);
      await runtime.idle();
      expect(receiver.received).toEqual([]);
      await runToEnd(job, 'timed_out');
      expect(receiver.received.map((r) => r.body.turing?.event)).toEqual(['timeout']);
    });

    it('are not sent to a refused address, and the job records only the generic error', async () => {
      const job = await create('alice', 'sneaky', {
        alerts: [{ on: ['failure'], webhook: 'http://10.0.0.1:6443/api/v1/secrets' }],
      });
      await runToEnd(job, 'failed');
      const { status } = await runtime.definitions.get(job.metadata.name ?? '');
      expect(status?.alerts).toEqual([
        expect.objectContaining({ delivered: false, attempts: 0, error: WEBHOOK_NOT_ALLOWED }),
      ]);
      expect(JSON.stringify(status?.alerts)).not.toMatch(/secrets|private/);
    });
  });

  describe('retention', () => {
    it('deletes finished runs beyond historyLimit, oldest first, with their artifacts; active runs stay', async () => {
      const job = await create('alice', 'kept', { historyLimit: 2 });
      const objectName = job.metadata.name ?? '';
      const active = await runtime.startRun(job, { trigger: 'manual' });
      const ids: string[] = [];
      for (const state of ['succeeded', 'failed', 'succeeded', 'timed_out'] as const) {
        const run = await runtime.startRun(job, { trigger: 'manual' });
        await artifacts.put(
          artifactKeys.runArtifact('alice', objectName, run.id, 'log.txt'),
          Buffer.from(state),
        );
        await runtime.finish(run.id, state, state === 'succeeded' ? undefined : 'x');
        ids.push(run.id);
      }
      expect((await runsOf(job)).map((r) => r.id)).toEqual([ids[3], ids[2], active.id]);
      const stored = await artifacts.keys(artifactKeys.jobPrefix('alice', objectName));
      expect(stored).toEqual(
        [ids[2], ids[3]]
          .map((id) => artifactKeys.runArtifact('alice', objectName, id ?? '', 'log.txt'))
          .sort(),
      );
    });
  });

  describe('the `recorded` marker', () => {
    it('makes a replay of a fully handled run do nothing at all', async () => {
      const job = await create('alice', 'extract', { alerts: [{ on: ['success'], webhook: receiver.url }] });
      await create('alice', 'load', { dependsOn: ['extract'] });
      const run = await runToEnd(job, 'succeeded');
      expect((await runtime.getRun(run.id))?.markers).toEqual(['dependents', 'alerts', 'recorded']);
      const calls = [
        vi.spyOn(runtime, 'startRun'),
        vi.spyOn(runtime, 'claimMarker'),
        vi.spyOn(runtime, 'listRuns'),
        vi.spyOn(runtime.definitions, 'list'),
      ];
      await runtime.redeliver(run.id);
      await runtime.redeliver(run.id);
      expect(calls.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0, 0]);
      expect(receiver.received).toHaveLength(1);
    });

    it('is left unset when a step fails, so the next delivery finishes only what is missing', async () => {
      const extract = await create('alice', 'extract', {
        alerts: [{ on: ['success'], webhook: receiver.url }],
      });
      const load = await create('alice', 'load', { dependsOn: ['extract'] });
      vi.spyOn(runtime.definitions, 'list').mockRejectedValueOnce(new Error('the API server hiccuped'));
      const run = await runToEnd(extract, 'succeeded');
      expect((await runtime.getRun(run.id))?.markers).toEqual(['alerts']);
      expect(await runsOf(load)).toEqual([]);
      expect(receiver.received).toHaveLength(1);

      await runtime.redeliver(run.id);
      expect((await runsOf(load)).map((r) => r.triggeredBy)).toEqual([run.id]);
      expect((await runtime.getRun(run.id))?.markers).toEqual(['alerts', 'dependents', 'recorded']);
      expect(receiver.received).toHaveLength(1);
    });
  });
});
