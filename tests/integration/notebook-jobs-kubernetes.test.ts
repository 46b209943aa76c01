import type { V1CronJob, V1Job, V1Pod } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobRuntime, NotebookJob, RunRecord, RunState } from '../../hub-proxy/src/jobs/model.js';
import { JOB_LABELS } from '../../hub-proxy/src/jobs/naming.js';
import { scheduledRunId } from '../../hub-proxy/src/jobs/schedule-ticks.js';
import { HmacRunTokens } from '../../hub-proxy/src/jobs/run-token.js';
import {
  ControllerManager,
  KubeInvalidError,
  LeaderElector,
  createKubeClients,
  isKubeError,
} from '../../hub-proxy/src/k8s/index.js';
import {
  KubernetesJobRuntime,
  RUNNER_TOKEN_KEY,
  runnerSecretName,
} from '../../hub-proxy/src/jobs/kubernetes/index.js';
import { RunnerApiService } from '../../hub-proxy/src/jobs/runner-api.js';
import { errorKind } from '../../hub-proxy/src/jobs/testing/error-kind.js';
import { FilesystemArtifactStore } from '../../hub-proxy/src/artifacts/filesystem-store.js';
import { hubProxyKubeconfig } from '../support/chart-service-account.js';
import { installCrds } from '../support/crds.js';
import { eventually } from '../support/eventually.js';
import { IDLE_POD_TEMPLATE, legacyCronJob } from '../support/legacy-cron-job.js';
import { createNamespace } from '../support/namespaces.js';
import { KWOK_OUTCOME_LABEL, notebookJobFixture } from '../support/notebook-job-fixtures.js';

const kubeconfigPath = inject('kubeconfigPath');
// The test's own reads, as the cluster admin.
const clients = createKubeClients({ kubeconfigPath, namespace: `nbjobs-${randomBytes(3).toString('hex')}` });
const { namespace } = clients;
// hub-proxy's: the chart's ServiceAccount with exactly the chart's RBAC, which needs the namespace first.
await createNamespace(kubeconfigPath, namespace);
const hubProxyClients = createKubeClients({
  kubeconfigPath: await hubProxyKubeconfig(kubeconfigPath, namespace),
  namespace,
});
const tokens = new HmacRunTokens('a test secret of at least sixteen characters');
// The chart's Role lets hub-proxy read and renew only this Lease.
const LEASE = 'turing-hub-proxy-controllers';
const OWNER = 'alice@example.org';

const electors: LeaderElector[] = [];
const runtimes: KubernetesJobRuntime[] = [];
const managers: ControllerManager[] = [];

function elector(identity: string): LeaderElector {
  const e = new LeaderElector({
    clients: hubProxyClients,
    leaseName: LEASE,
    identity,
    leaseDurationSeconds: 3,
    renewDeadlineMs: 2000,
    retryPeriodMs: 250,
    renewIntervalMs: 500,
  });
  electors.push(e);
  return e;
}

/** A runtime as hub-proxy builds one; `finished` collects what it delivers to listeners. */
function runtimeWith(leader: Pick<LeaderElector, 'isLeader'>) {
  // One ControllerManager per simulated replica, as hub-proxy's Cluster makes.
  const controllers = new ControllerManager({ leadership: leader, pollMs: 100 });
  const runtime = new KubernetesJobRuntime({
    clients: hubProxyClients,
    controllers,
    tokens,
    runnerApiUrl: 'http://hub-proxy.turing.svc:8080/services/turing/',
    gpuPlacementFor: () => undefined,
    resyncMs: 2000,
  });
  controllers.start();
  managers.push(controllers);
  const finished: RunRecord[] = [];
  runtime.onRunFinished((run) => {
    finished.push(run);
    return Promise.resolve();
  });
  runtimes.push(runtime);
  return { runtime, finished };
}

const primary = runtimeWith(elector('replica-a'));
const runtime: JobRuntime = primary.runtime;

const readCronJob = (name: string): Promise<V1CronJob | undefined> =>
  clients.batch.readNamespacedCronJob({ namespace, name }).catch(() => undefined);
const readJob = (name: string): Promise<V1Job | undefined> =>
  clients.batch.readNamespacedJob({ namespace, name }).catch(() => undefined);
const podsOf = async (runId: string): Promise<V1Pod[]> =>
  (
    await clients.core.listNamespacedPod({
      namespace,
      labelSelector: `batch.kubernetes.io/job-name=${runId}`,
    })
  ).items;
const jobsOf = async (objectName: string): Promise<V1Job[]> =>
  (await clients.batch.listNamespacedJob({ namespace, labelSelector: `${JOB_LABELS.job}=${objectName}` }))
    .items;

async function waitForState(runId: string, states: RunState[], timeoutMs: number): Promise<RunRecord> {
  return eventually(
    `run ${runId} to be ${states.join('|')}`,
    timeoutMs,
    async () => {
      const run = await runtime.getRun(runId);
      return run && states.includes(run.state) ? run : undefined;
    },
    200,
  );
}

async function create(job: NotebookJob): Promise<NotebookJob> {
  return runtime.definitions.create(job);
}

/** The runner API as hub-proxy serves it; the token tests only report progress, so no artifacts are read. */
const runnerApi = new RunnerApiService({
  runtime,
  artifacts: new FilesystemArtifactStore({
    directory: join(tmpdir(), `nbjobs-artifacts-${randomBytes(3).toString('hex')}`),
    maxObjectBytes: 1 << 20,
    maxOwnerBytes: 1 << 24,
  }),
  tokens,
});

/** The job token run pods read from the runner Secret of `objectName`. */
async function runnerToken(objectName: string): Promise<string> {
  const secret = await clients.core.readNamespacedSecret({ namespace, name: runnerSecretName(objectName) });
  return Buffer.from(secret.data?.[RUNNER_TOKEN_KEY] ?? '', 'base64').toString('utf8');
}

/** What the runner API answers a progress report with `token` for `runId`: `ok` or the error's kind. */
function progress(token: string, runId: string): Promise<string> {
  return runnerApi.progress(`Bearer ${token}`, runId, { cell: 1, cells: 2 }).then(
    () => 'ok',
    (err: unknown) => errorKind(err),
  );
}

/** Resolves at the next wall-clock minute boundary plus `slackMs`. */
function afterNextMinute(slackMs: number): Promise<void> {
  const now = Date.now();
  return new Promise((r) => setTimeout(r, 60_000 - (now % 60_000) + slackMs));
}

describe('NotebookJobs on the kubernetes runtime (real kube-apiserver, controller-manager, kwok)', () => {
  beforeAll(async () => {
    await installCrds(kubeconfigPath);
    electors[0]?.start();
    await primary.runtime.start();
    await eventually('replica-a to lead and run the controller', 15_000, () =>
      primary.runtime.controller.isRunning ? true : undefined,
    );
  });
  afterAll(async () => {
    await Promise.all(managers.map((m) => m.stop()));
    await Promise.all(runtimes.map((r) => r.stop()));
    await Promise.all(electors.map((e) => e.release()));
    await clients.core.deleteNamespace({ name: namespace });
  });

  describe.concurrent('with one leading replica', () => {
    it('is rejected by the CRD schema when retries, concurrency or jobName are out of bounds', async ({
      expect,
    }) => {
      const cases: [Partial<NotebookJob['spec']>, string][] = [
        [{ retries: 99 }, 'spec.retries'],
        [{ concurrency: 'sometimes' as never }, 'spec.concurrency'],
        [{ timeoutSeconds: 0 }, 'spec.timeoutSeconds'],
        [{ historyLimit: 5000 }, 'spec.historyLimit'],
      ];
      for (const [spec, field] of cases) {
        const err = await create(notebookJobFixture(OWNER, 'bad-values', spec)).catch((e: unknown) => e);
        expect(err, field).toBeInstanceOf(KubeInvalidError);
        expect((err as KubeInvalidError).causes.map((c) => c.field)).toContain(field);
      }
      const badName = notebookJobFixture(OWNER, 'ok');
      badName.spec.jobName = 'Not_A_Name';
      const err = await create(badName).catch((e: unknown) => e);
      expect((err as KubeInvalidError).causes.map((c) => c.field)).toContain('spec.jobName');
      const stored = await runtime.definitions.get(badName.metadata.name ?? '').catch((e: unknown) => e);
      expect(isKubeError(stored, 'not-found')).toBe(true);
      const longName = notebookJobFixture(OWNER, 'ok');
      longName.metadata.name = 'x'.repeat(53); // the CronJob name would pass 52 characters
      await expect(create(longName)).rejects.toThrow(/at most 52 characters/);
    });

    it('reports Ready=False with the reason when the schedule cannot be read, and starts no run', async ({
      expect,
    }) => {
      // The API refuses this zone; an object written around it (kubectl) still reaches the controller.
      const job = await create(
        notebookJobFixture(OWNER, 'bad-zone', {
          schedule: { cron: '* * * * *', timezone: 'Mars/Olympus_Mons' },
        }),
      );
      const ready = await eventually('a Ready condition', 15_000, async () => {
        const { status } = await runtime.definitions.get(job.metadata.name ?? '');
        return status?.conditions?.find((c) => c.type === 'Ready');
      });
      expect(ready).toMatchObject({ status: 'False', reason: 'ReconcileFailed' });
      expect(ready.message).toMatch(/Unknown time zone "Mars\/Olympus_Mons"/);
      await afterNextMinute(5_000);
      expect(await jobsOf(job.metadata.name ?? '')).toEqual([]);
    }, 90_000);

    it('runs a `* * * * *` job from the leader at each minute, reports the success, then pausing stops new runs', async ({
      expect,
    }) => {
      const job = await create(
        notebookJobFixture(OWNER, 'every-minute', {
          schedule: { cron: '* * * * *', timezone: 'Europe/Berlin' },
        }),
      );
      const name = job.metadata.name ?? '';
      const first = await eventually(
        'a scheduled run',
        75_000,
        async () => (await runtime.listRuns(name))[0],
        500,
      );
      expect(first.trigger).toBe('schedule');
      // Named by job and minute, so a tick handled twice (two replicas, a handover) makes one run.
      const tick = new Date(Math.floor(Date.parse(first.createdAt) / 60_000) * 60_000);
      expect(first.id).toBe(scheduledRunId(name, tick));
      expect(Date.parse(first.createdAt) - tick.getTime()).toBeLessThan(10_000);
      const made = await readJob(first.id);
      expect(made?.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'NotebookJob',
        uid: job.metadata.uid,
        controller: true,
      });
      expect(await readCronJob(name)).toBeUndefined();
      const done = await waitForState(first.id, ['succeeded', 'failed', 'timed_out'], 30_000);
      expect(done).toMatchObject({ state: 'succeeded', job: 'every-minute', owner: OWNER, attempt: 1 });
      expect(done.finishedAt).toEqual(expect.any(String));
      // The namespace enforces the restricted Pod Security profile: the pod exists, so it passed.
      const [pod] = await podsOf(first.id);
      expect(pod?.spec?.containers[0]?.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      await eventually('status.lastRun', 15_000, async () => {
        const { status } = await runtime.definitions.get(name);
        return status?.lastRun?.id === first.id && status.lastRun.state === 'succeeded' && status;
      }).then((status) => {
        expect(status).toMatchObject({ observedGeneration: 1, lastScheduleTime: tick.toISOString() });
        expect(status).not.toHaveProperty('cronJob');
        expect(status.conditions).toContainEqual(
          expect.objectContaining({ type: 'Ready', status: 'True', message: 'Scheduled' }),
        );
      });
      await eventually('the run delivered to listeners', 10_000, () =>
        primary.finished.some((r) => r.id === first.id && r.state === 'succeeded'),
      );

      const stored = await runtime.definitions.get(name);
      stored.spec.suspend = true;
      await runtime.definitions.replace(stored);
      await eventually('the pause observed', 10_000, async () => {
        const { metadata, status } = await runtime.definitions.get(name);
        return status?.observedGeneration === metadata.generation;
      });
      const before = (await jobsOf(name)).length;
      await afterNextMinute(8_000);
      expect((await jobsOf(name)).length).toBe(before);
      const paused = await runtime.definitions.get(name);
      expect(paused.status?.conditions).toContainEqual(
        expect.objectContaining({ type: 'Ready', message: 'Schedule paused' }),
      );
    }, 240_000);

    it('removes the CronJob an earlier version scheduled with, and adopts its runs', async ({ expect }) => {
      const job = await create(
        notebookJobFixture(OWNER, 'upgraded', { schedule: { cron: '0 3 * * *', timezone: 'UTC' } }),
      );
      const name = job.metadata.name ?? '';
      const cron = await clients.batch.createNamespacedCronJob({ namespace, body: legacyCronJob(job) });
      const old = await clients.batch.createNamespacedJob({
        namespace,
        body: {
          metadata: {
            name: `${name}-29000000`,
            labels: cron.metadata?.labels ?? {},
            ownerReferences: [
              {
                apiVersion: 'batch/v1',
                kind: 'CronJob',
                name,
                uid: cron.metadata?.uid ?? '',
                controller: true,
              },
            ],
          },
          spec: { template: IDLE_POD_TEMPLATE, suspend: true }, // history only: no pod
        },
      });
      await eventually('the CronJob gone', 30_000, async () => !(await readCronJob(name)), 200);
      const adopted = await eventually('the run adopted', 30_000, async () => {
        const j = await readJob(old.metadata?.name ?? '');
        return j?.metadata?.ownerReferences?.[0]?.uid === job.metadata.uid && j;
      });
      expect(adopted.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'NotebookJob', controller: true });
      expect((await runtime.listRuns(name)).map((r) => r.id)).toContain(old.metadata?.name);
    }, 90_000);

    it('runs now: a manual Job with its parameters succeeds, records progress; one Job per runId', async ({
      expect,
    }) => {
      const job = await create(notebookJobFixture(OWNER, 'run-now'));
      const name = job.metadata.name ?? '';
      const run = await runtime.startRun(job, { trigger: 'manual', parameters: { n: 2 } });
      expect(run).toMatchObject({
        jobObjectName: name,
        trigger: 'manual',
        parameters: { n: 2 },
        markers: [],
      });
      expect(['queued', 'running']).toContain(run.state);
      await runtime.recordProgress(run.id, { cell: 2, cells: 5 });
      // Reads come from the cache, which sees the patch a moment later.
      const progressed = await eventually(
        'the progress',
        5_000,
        async () => (await runtime.getRun(run.id))?.progress,
      );
      expect(progressed).toEqual({ cell: 2, cells: 5 });
      expect(await waitForState(run.id, ['succeeded', 'failed'], 30_000)).toMatchObject({
        state: 'succeeded',
      });
      const secret = await clients.core.readNamespacedSecret({ namespace, name: runnerSecretName(name) });
      const token = Buffer.from(secret.data?.token ?? '', 'base64').toString();
      expect(tokens.verify(token)).toMatchObject({ job: name });

      const runId = `${name}-dfixed01`;
      const [a, b] = await Promise.all([
        runtime.startRun(job, { trigger: 'dependency', runId, triggeredBy: run.id }),
        runtime.startRun(job, { trigger: 'dependency', runId, triggeredBy: run.id }),
      ]);
      const again = await runtime.startRun(job, { trigger: 'dependency', runId, triggeredBy: run.id });
      expect([a.id, b.id, again.id]).toEqual([runId, runId, runId]);
      expect(again).toMatchObject({ trigger: 'dependency', triggeredBy: run.id });
      expect((await jobsOf(name)).map((j) => j.metadata?.name).sort()).toEqual([run.id, runId].sort());
      expect((await runtime.listRuns(name)).map((r) => r.id)).toContain(runId);
    });

    it('ends `failed` with the reason when every attempt fails; retries map to attempts', async ({
      expect,
    }) => {
      const job = await create(
        notebookJobFixture(OWNER, 'always-fails', { retries: 1 }, { [KWOK_OUTCOME_LABEL]: 'fail' }),
      );
      const run = await runtime.startRun(job, { trigger: 'manual' });
      const done = await waitForState(run.id, ['succeeded', 'failed', 'timed_out'], 60_000);
      expect(done).toMatchObject({ state: 'failed', attempt: 2 });
      expect(done.reason).toMatch(/backoff limit/i);
      expect((await readJob(run.id))?.spec?.backoffLimit).toBe(1);
      await eventually('the failure delivered', 10_000, () => primary.finished.some((r) => r.id === run.id));
    });

    it('ends `timed_out` when the pod outlives timeoutSeconds', async ({ expect }) => {
      const job = await create(
        notebookJobFixture(OWNER, 'too-slow', { timeoutSeconds: 2 }, { [KWOK_OUTCOME_LABEL]: 'hang' }),
      );
      const run = await runtime.startRun(job, { trigger: 'manual' });
      const done = await waitForState(run.id, ['succeeded', 'failed', 'timed_out'], 30_000);
      expect(done.state).toBe('timed_out');
      expect(done.reason).toMatch(/^DeadlineExceeded/);
      expect((await readJob(run.id))?.spec?.activeDeadlineSeconds).toBe(2);
    });

    it('cancels a running run: it ends `cancelled`, its pod goes, and a second cancel changes nothing', async ({
      expect,
    }) => {
      const job = await create(notebookJobFixture(OWNER, 'cancel-me', {}, { [KWOK_OUTCOME_LABEL]: 'hang' }));
      const run = await runtime.startRun(job, { trigger: 'manual' });
      await eventually(
        'a running pod',
        15_000,
        async () => (await podsOf(run.id))[0]?.status?.phase === 'Running',
      );
      const cancelled = await runtime.cancelRun(run.id);
      expect(cancelled).toMatchObject({ state: 'cancelled', reason: 'Cancelled' });
      await eventually(
        'the Job finished and its pod gone',
        20_000,
        async () => {
          const finished = (await readJob(run.id))?.status?.conditions?.some((c) => c.type === 'Failed');
          return finished && (await podsOf(run.id)).length === 0;
        },
        200,
      );
      const after = await runtime.cancelRun(run.id);
      expect(after).toMatchObject({ state: 'cancelled', finishedAt: cancelled.finishedAt });
    });

    it('claims a marker exactly once, even from two runtimes at the same moment', async ({ expect }) => {
      const job = await create(notebookJobFixture(OWNER, 'markers'));
      const run = await runtime.startRun(job, { trigger: 'manual' });
      const other = runtimeWith({ isLeader: false }).runtime; // another replica, never leading
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? other : runtime).claimMarker(run.id, 'dependents')),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await other.claimMarker(run.id, 'dependents')).toBe(false);
      expect(await runtime.claimMarker(run.id, 'alerts')).toBe(true);
      expect((await other.getRun(run.id))?.markers).toEqual(['alerts', 'dependents']);
    });

    // The runs end on their own (kwok completes them): a token that reaches a run then gets 409
    // (ended), one that does not gets 404, because the token is checked first.
    it('refuses (404) a runner token kept from a deleted NotebookJob once the same name and owner is recreated', async ({
      expect,
    }) => {
      const first = await create(notebookJobFixture(OWNER, 'recreated'));
      const name = first.metadata.name ?? '';
      const run1 = await runtime.startRun(first, { trigger: 'manual' });
      const kept = await runnerToken(name);
      expect(tokens.verify(kept)).toMatchObject({ job: name, uid: first.metadata.uid, owner: OWNER });
      await waitForState(run1.id, ['succeeded'], 30_000);
      expect(await progress(kept, run1.id)).toBe('conflict');

      await runtime.definitions.delete(name);
      await eventually('the NotebookJob gone', 15_000, async () =>
        (await runtime.definitions.get(name).catch((err: unknown) => isKubeError(err, 'not-found')))
          ? true
          : undefined,
      );
      const again = await create(notebookJobFixture(OWNER, 'recreated'));
      expect(again.metadata).toMatchObject({ name });
      expect(again.metadata.uid).not.toBe(first.metadata.uid);
      const run2 = await runtime.startRun(again, { trigger: 'manual' });
      await waitForState(run2.id, ['succeeded'], 30_000);
      expect(await progress(kept, run2.id)).toBe('not-found');
      // The garbage collector may still remove the old Secret once; the controller applies it again.
      const fresh = await eventually('a token of the new object', 45_000, async () => {
        const token = await runnerToken(name).catch(() => '');
        return tokens.verify(token)?.uid === again.metadata.uid ? token : undefined;
      });
      expect(await progress(fresh, run2.id)).toBe('conflict');
    });

    it('keeps owners whose old 24-bit name suffix collided apart: own objects, tokens that reach only their own runs', async ({
      expect,
    }) => {
      // sha256 of both names starts with bc7d03: both used to own "daily-bc7d03".
      const [a, b] = ['user9955', 'user11153'];
      const jobA = await create(notebookJobFixture(a, 'daily'));
      const jobB = await create(notebookJobFixture(b, 'daily'));
      expect(jobA.metadata.name).not.toBe(jobB.metadata.name);
      const runA = await runtime.startRun(jobA, { trigger: 'manual' });
      const runB = await runtime.startRun(jobB, { trigger: 'manual' });
      const tokenA = await runnerToken(jobA.metadata.name ?? '');
      const tokenB = await runnerToken(jobB.metadata.name ?? '');
      await waitForState(runA.id, ['succeeded'], 30_000);
      await waitForState(runB.id, ['succeeded'], 30_000);
      expect([await progress(tokenA, runB.id), await progress(tokenB, runA.id)]).toEqual([
        'not-found',
        'not-found',
      ]);
      expect([await progress(tokenA, runA.id), await progress(tokenB, runB.id)]).toEqual([
        'conflict',
        'conflict',
      ]);
    });

    it('cascades the deletion of a NotebookJob to its Jobs, pods and Secret', async ({ expect }) => {
      const job = await create(
        notebookJobFixture(OWNER, 'short-lived', { schedule: { cron: '0 3 * * *', timezone: 'UTC' } }),
      );
      const name = job.metadata.name ?? '';
      const run = await runtime.startRun(job, { trigger: 'manual' });
      await waitForState(run.id, ['succeeded'], 30_000);
      await eventually('the Secret', 10_000, async () =>
        Boolean(
          await clients.core
            .readNamespacedSecret({ namespace, name: runnerSecretName(name) })
            .catch(() => undefined),
        ),
      );
      await runtime.definitions.delete(name);
      await eventually(
        'the garbage collector to remove everything',
        60_000,
        async () => {
          const secret = await clients.core
            .readNamespacedSecret({ namespace, name: runnerSecretName(name) })
            .then(
              () => true,
              (err: unknown) => !isKubeError(err, 'not-found'),
            );
          return !secret && !(await readJob(run.id)) && (await podsOf(run.id)).length === 0;
        },
        250,
      );
      expect(await runtime.getRun(run.id)).toBeUndefined();
    });
  });

  describe('leader handover', () => {
    it('delivers finished runs lacking `recorded` from the new leader only, until `recorded` is claimed', async () => {
      const standby = runtimeWith(elector('replica-b'));
      electors[1]?.start();
      await standby.runtime.start();
      await new Promise((r) => setTimeout(r, 3000));
      expect(standby.runtime.controller.isRunning).toBe(false);
      expect(standby.finished).toEqual([]);

      await electors[0]?.release(); // replica-a shuts down gracefully
      await eventually('replica-b to take over', 15_000, () => standby.runtime.controller.isRunning);
      const delivered = await eventually('finished runs re-delivered', 10_000, () =>
        standby.finished.find((r) => r.job === 'run-now' && r.state === 'succeeded'),
      );
      expect(delivered.markers).not.toContain('recorded');
      expect(await standby.runtime.claimMarker(delivered.id, 'recorded')).toBe(true);
      await new Promise((r) => setTimeout(r, 1000)); // a delivery already under way may finish
      const count = standby.finished.filter((r) => r.id === delivered.id).length;
      await new Promise((r) => setTimeout(r, 5000)); // two resyncs
      expect(standby.finished.filter((r) => r.id === delivered.id)).toHaveLength(count);
    });
  });
});
