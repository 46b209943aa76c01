import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotebookJob } from '../../hub-proxy/src/jobs/model.js';
import { notebookDigest, stripNotebook, type NotebookJson } from '../../hub-proxy/src/jobs/notebook.js';
import { runReadinessChecks } from '../../hub-proxy/src/observability/readiness.js';
import { waitUntil } from '../support/child-process.js';
import { ControlPlane } from '../support/control-plane.js';
import { installCrds } from '../support/crds.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { createNamespace } from '../support/namespaces.js';
import { pythonNotebook } from '../support/notebooks.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

const CREATES = 100;
const CONCURRENCY = 10;
/** Each of the ten clients waits this long between its creates, so they span the restart. */
const PACE_MS = 1_500;
/** Creates answered before kube-apiserver is restarted. */
const RESTART_AFTER = 20;
/** A request unanswered this long counts as a hang. */
const HANG_MS = 30_000;

/** A graceful restart, then a crash; each with a user (and 100 jobs) of its own. */
const SCENARIOS = [
  { what: 'graceful restart (SIGTERM)', signal: 'SIGTERM', user: 'alice', prefix: 'term' },
  { what: 'crash and restart (SIGKILL)', signal: 'SIGKILL', user: 'bob', prefix: 'kill' },
] as const;

/** What one POST /api/v1/jobs got: an HTTP answer, or a transport failure (reset, hang). */
type Attempt =
  | { status: number; retryAfter: string | null; contentType: string | null; detail?: string }
  | { error: string };

interface JobView {
  name: string;
  notebook: { digest: string };
}

/** A notebook whose content, and so whose snapshot digest, is the job's own. */
const notebookFor = (name: string) => pythonNotebook({ cells: [`print(${JSON.stringify(name)})`] });

/**
 * hub-proxy (in-process, kubernetes runtime) against a control plane of its
 * own, so that restarting kube-apiserver here disturbs no other test file.
 */
describe('kube-apiserver restarted in the middle of 100 job creations', () => {
  const controlPlane = new ControlPlane();
  const namespace = `burst-${randomBytes(3).toString('hex')}`;
  const serviceToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'turing-apiserver-restart-'));
  const hubProxyLog: string[] = [];
  let hub: JupyterHub;
  let proxy: InProcessHubProxy;
  let base = '';
  const tokens: Record<string, string> = {};
  let custom: CustomObjectsApi;

  const api = (user: string, path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `token ${tokens[user] ?? ''}`, 'Content-Type': 'application/json' },
      signal: AbortSignal.timeout(HANG_MS),
    });

  async function create(user: string, name: string): Promise<Attempt> {
    try {
      const res = await api(user, '/api/v1/jobs', {
        method: 'POST',
        body: JSON.stringify({
          name,
          notebook: { path: `${name}.ipynb`, content: notebookFor(name) },
          environment: 'cpu-base',
        }),
      });
      const body = (await res.json().catch(() => ({}))) as { detail?: string };
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        contentType: res.headers.get('content-type'),
        ...(body.detail ? { detail: body.detail } : {}),
      };
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      return {
        error: `${(err as Error).name}: ${(err as Error).message} ${cause?.code ?? cause?.message ?? ''}`,
      };
    }
  }

  /** Every job of `user` through the API, all pages. */
  async function listedJobs(user: string): Promise<JobView[]> {
    const items: JobView[] = [];
    let cursor: string | undefined;
    do {
      const res = await api(
        user,
        `/api/v1/jobs?limit=40${cursor ? `&continue=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: JobView[]; continue?: string };
      items.push(...page.items);
      cursor = page.continue;
    } while (cursor);
    return items;
  }

  /** Every NotebookJob in the namespace, read from kube-apiserver directly. */
  async function notebookJobObjects(): Promise<NotebookJob[]> {
    const list = (await custom.listNamespacedCustomObject({
      group: 'turing.dev',
      version: 'v1alpha1',
      namespace,
      plural: 'notebookjobs',
    })) as { items: NotebookJob[] };
    return list.items;
  }

  async function snapshotText(key: string): Promise<string | undefined> {
    const found = await proxy.artifacts.get(key);
    if (!found) return undefined;
    const chunks: Uint8Array[] = [];
    for await (const chunk of found.body) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  }

  beforeAll(async () => {
    await controlPlane.start();
    await installCrds(controlPlane.kubeconfigPath);
    await createNamespace(controlPlane.kubeconfigPath, namespace);
    const kc = new KubeConfig();
    kc.loadFromFile(controlPlane.kubeconfigPath);
    custom = kc.makeApiClient(CustomObjectsApi);
    const port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    for (const { user } of SCENARIOS) {
      await hub.createUser(user);
      tokens[user] = await hub.tokenFor(user);
    }
    proxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: {
        TURING_RUNTIME: 'kubernetes',
        TURING_KUBECONFIG: controlPlane.kubeconfigPath,
        TURING_NAMESPACE: namespace,
        TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
        TURING_LEASE_DURATION_SECONDS: '3',
        TURING_LOG_LEVEL: 'info',
        // 100 jobs each, and a retried create of a job that exists must get its 409, not a quota answer.
        TURING_JOBS_LIMITS: JSON.stringify({ jobsPerUser: 1000 }),
      },
      // hub-proxy's own account of the outage, printed if the test fails.
      logDestination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          hubProxyLog.push(chunk.toString('utf8'));
          done();
        },
      }),
    });
    base = `${proxy.proxy.url}/services/turing`;
    await waitUntil(
      'hub-proxy ready (caches synced)',
      async () => (await runReadinessChecks(proxy.assembled.extras.readinessChecks)).ready,
      { timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    await proxy?.stop();
    await hub?.stop();
    await controlPlane.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(SCENARIOS)(
    '$what: loses and duplicates none; every create gets 201, 409 or a 503 with Retry-After, and retrying the 503s converges to exactly 100 jobs',
    async ({ user, prefix, signal }) => {
      const jobName = (i: number) => `${prefix}-${String(i).padStart(3, '0')}`;
      const attempts = new Map<string, Attempt[]>();
      const record = (name: string, attempt: Attempt) =>
        attempts.set(name, [...(attempts.get(name) ?? []), attempt]);

      // 1. Ten clients create 100 jobs; kube-apiserver is restarted once 20 have been answered.
      let answered = 0;
      let next = 0;
      let restart: Promise<void> | undefined;
      let backAt = 0;
      const startedAt = new Map<string, number>();
      const clients = Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < CREATES; i = next++) {
          const name = jobName(i);
          startedAt.set(name, Date.now());
          record(name, await create(user, name));
          answered += 1;
          if (answered === RESTART_AFTER) {
            restart = controlPlane.restartApiServer(2_000, signal).then(() => {
              backAt = Date.now();
            });
          }
          await new Promise((r) => setTimeout(r, PACE_MS));
        }
      });
      await Promise.all(clients);
      await restart;
      expect(backAt, 'kube-apiserver was restarted during the creates').toBeGreaterThan(0);
      const afterRestart = [...startedAt.values()].filter((t) => t >= backAt).length;

      const first = [...attempts.values()].map((a) => a[0] as Attempt);
      const transportFailures = first.filter((a) => 'error' in a);
      const firstStatuses = first.flatMap((a) => ('status' in a ? [a.status] : []));
      const ok = firstStatuses.filter((s) => s === 201).length;
      const retryable = firstStatuses.filter((s) => s === 503).length;
      const log = hubProxyLog.join('').slice(-4000);

      // No socket reset, no hang, no 500: every answer is definite or retryable.
      expect(transportFailures, log).toEqual([]);
      const unexpected = first.filter((a) => 'status' in a && a.status !== 201 && a.status !== 503);
      expect(unexpected, log).toEqual([]);
      // Not vacuous: the restart did hit creates, and creates went through around it.
      expect(retryable, 'creates that met the restart').toBeGreaterThan(0);
      expect(ok).toBeGreaterThan(0);

      // 2. The clients retry their 503s after Retry-After until each has a definite answer.
      const deadline = Date.now() + 120_000;
      const pending = () =>
        [...attempts.entries()].filter(([, a]) => (a.at(-1) as { status?: number }).status === 503);
      while (pending().length > 0 && Date.now() < deadline) {
        const waitSeconds = Math.max(
          ...pending().map(([, a]) => Number((a.at(-1) as { retryAfter: string | null }).retryAfter)),
        );
        await new Promise((r) => setTimeout(r, Math.min(waitSeconds, 5) * 1000));
        await Promise.all(pending().map(async ([name]) => record(name, await create(user, name))));
      }

      const all = [...attempts.values()].flat();
      // Every 503 said when to retry, as problem+json.
      for (const attempt of all) {
        expect('error' in attempt ? attempt.error : undefined, log).toBeUndefined();
        if ('status' in attempt && attempt.status === 503) {
          expect(attempt.retryAfter).toMatch(/^[1-9]\d*$/);
          expect(attempt.contentType).toMatch(/^application\/problem\+json/);
        }
      }
      for (const [name, history] of attempts) {
        const statuses = history.map((a) => ('status' in a ? a.status : 0));
        // Only 201, 409 and 503; a 409 only after a 503 whose create went through; ending definite.
        expect(
          statuses.every((s) => [201, 409, 503].includes(s)),
          `${name}: ${statuses.join(' ')}`,
        ).toBe(true);
        expect(statuses.at(-1) === 201 || statuses.at(-1) === 409, `${name}: ${statuses.join(' ')}`).toBe(
          true,
        );
        expect(
          statuses.filter((s) => s === 201).length,
          `${name}: ${statuses.join(' ')}`,
        ).toBeLessThanOrEqual(1);
        if (statuses.includes(409)) expect(statuses[0], `${name}: ${statuses.join(' ')}`).toBe(503);
      }

      // 3. Exactly 100 jobs, read back through the API and from kube-apiserver.
      const expected = Array.from({ length: CREATES }, (_, i) => jobName(i));
      const listed = await listedJobs(user);
      expect(listed.map((j) => j.name).sort()).toEqual(expected);
      const objects = (await notebookJobObjects()).filter((o) => o.spec.jobName.startsWith(`${prefix}-`));
      const byJobName = new Map<string, NotebookJob[]>();
      for (const o of objects) byJobName.set(o.spec.jobName, [...(byJobName.get(o.spec.jobName) ?? []), o]);
      const duplicated = [...byJobName.values()].filter((list) => list.length > 1).length;
      const lost = expected.filter((name) => !byJobName.has(name)).length;
      expect(duplicated).toBe(0);
      expect(lost).toBe(0);
      expect(objects).toHaveLength(CREATES);
      for (const name of expected) {
        expect((await api(user, `/api/v1/jobs/${name}`)).status, name).toBe(200);
      }

      // Each job's input snapshot exists and is that job's notebook.
      const broken: string[] = [];
      for (const object of objects) {
        const { jobName: name, notebook } = object.spec;
        const text = await snapshotText(notebook.inputKey);
        const expectedDigest = notebookDigest(stripNotebook(notebookFor(name) as NotebookJson));
        const intact =
          text !== undefined &&
          notebookDigest(JSON.parse(text) as NotebookJson) === expectedDigest &&
          notebook.digest === expectedDigest;
        if (!intact) broken.push(`${name}: ${text === undefined ? 'snapshot missing' : 'snapshot differs'}`);
      }
      expect(broken).toEqual([]);

      const retried = [...attempts.values()].filter((a) => a.length > 1).length;
      const conflictsOnRetry = all.filter((a) => 'status' in a && a.status === 409).length;
      console.log(
        `FIGURE: creates=${CREATES} ok=${ok} retryable503=${retryable} lost=${lost} dup=${duplicated} ` +
          `(kube-apiserver ${signal}; first attempts after it was back=${afterRestart}; retried=${retried}, ` +
          `409-on-retry=${conflictsOnRetry}, attempts=${all.length})`,
      );
    },
  );
});
