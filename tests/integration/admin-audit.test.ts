import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditEntry } from '../../hub-proxy/src/audit/audit-entry.js';
import { AuditRetention } from '../../hub-proxy/src/audit/audit-retention.js';
import { DayPartitionedAuditStore } from '../../hub-proxy/src/audit/audit-store.js';
import { AUDIT_DAY_LABEL, KubernetesAuditDays } from '../../hub-proxy/src/audit/kubernetes-audit-days.js';
import { auditEntryFixture } from '../../hub-proxy/src/audit/testing/audit-entry-fixture.js';
import { createKubeClients } from '../../hub-proxy/src/k8s/index.js';
import { createLogger } from '../../hub-proxy/src/observability/logger.js';
import { ApiStack, jobBody, type StackUser } from '../support/api-stack.js';
import { eventually } from '../support/eventually.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import { freePort } from '../support/ports.js';

const kubeconfigPath = inject('kubeconfigPath');

interface AuditPage {
  items: AuditEntry[];
  next?: string;
}

/** What one call should have left in the log. */
interface Expected {
  requestId: string;
  actor: string;
  action: string;
  object: AuditEntry['object'];
  status: number;
  outcome: AuditEntry['result']['outcome'];
}

/**
 * The audit log against the real kube-apiserver and hub: one entry per
 * mutating call (refused ones too), kept in ConfigMaps per day that survive
 * a restart and a leader handover, swept by retention, exported as JSON lines.
 */
describe('the audit log (real hub, kubernetes runtime)', () => {
  let stack: ApiStack;
  const extraProxies: InProcessHubProxy[] = [];
  const clients = () => createKubeClients({ kubeconfigPath, namespace: stack.namespace });
  const job = `audited-${randomBytes(2).toString('hex')}`;
  const expected: Expected[] = [];
  /** The hub-proxy left after the handover (its own listener). */
  let survivorBase = '';

  /** The env the stack's hub-proxy runs with, for a restart or a second replica. */
  const proxyEnv = () => ({
    TURING_RUNTIME: 'kubernetes',
    TURING_KUBECONFIG: kubeconfigPath,
    TURING_NAMESPACE: stack.namespace,
    TURING_ARTIFACTS_DIR: join(stack.dir, 'artifacts'),
  });

  /** Calls `base` (a hub-proxy's own listener, or the hub's route) as `user`. */
  const callAt = (base: string, user: StackUser, path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${stack.tokens[user]}`, 'Content-Type': 'application/json' },
    });

  /**
   * Makes a call through the hub (`body` sent as JSON) and notes what the log
   * must say about it: `[action, object, status, outcome]`.
   */
  async function audited(
    user: StackUser | 'anonymous',
    method: string,
    path: string,
    body: unknown,
    [action, object, status, outcome]: [
      string,
      AuditEntry['object'],
      number,
      AuditEntry['result']['outcome'],
    ],
  ): Promise<Response> {
    const init: RequestInit = { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    const res = await stack.call(user === 'anonymous' ? undefined : stack.tokens[user], path, init);
    const requestId = res.headers.get('x-request-id');
    if (res.status !== status) {
      throw new Error(`${method} ${path} as ${user}: ${res.status}: ${await res.text()}`);
    }
    if (!requestId) throw new Error('no X-Request-Id');
    expected.push({ action, object, status, outcome, requestId, actor: user });
    return res;
  }

  async function auditPage(base: string, query: string): Promise<AuditPage> {
    const res = await callAt(base, 'admin', `/api/v1/admin/audit?${query}`);
    if (res.status !== 200) throw new Error(`audit query: ${res.status} ${await res.text()}`);
    return (await res.json()) as AuditPage;
  }

  /** Every entry of the call, once the write-behind queue has written it. */
  async function entriesOf(base: string, requestId: string, filter = ''): Promise<AuditEntry[]> {
    return eventually(
      `the audit entry of ${requestId}`,
      10_000,
      async () => {
        const found = (await auditPage(base, `limit=500&${filter}`)).items.filter(
          (e) => e.requestId === requestId,
        );
        return found.length > 0 ? found : undefined;
      },
      100,
    );
  }

  beforeAll(async () => {
    stack = await new ApiStack(kubeconfigPath).start();
  }, 180_000);
  afterAll(async () => {
    for (const proxy of extraProxies) await proxy.stop().catch(() => undefined);
    await stack?.stop();
  });

  it('records each mutating call once: who, which object, the change, the result and the request id', async () => {
    // A fresh namespace: no audit days yet (the metadata-only list of none is read as empty).
    expect(await new KubernetesAuditDays(clients()).days()).toEqual([]);
    const aliceJob = { kind: 'job', name: job, owner: 'alice' };
    await audited('alice', 'POST', '/api/v1/jobs', jobBody(job), ['createJob', aliceJob, 201, 'success']);
    await stack.jobReconciled('alice', job);
    await audited('alice', 'POST', `/api/v1/jobs/${job}/runs`, {}, ['runJob', aliceJob, 201, 'success']);
    const secretParameter = { parameters: { n: 2, apiToken: 'hunter2-hunter2' } };
    await audited('alice', 'PATCH', `/api/v1/jobs/${job}`, secretParameter, [
      'updateJob',
      aliceJob,
      200,
      'success',
    ]);
    // Another user's job is hidden from bob (404), even when he names its owner.
    await audited('bob', 'DELETE', `/api/v1/jobs/${job}?user=alice`, undefined, [
      'deleteJob',
      aliceJob,
      404,
      'failure',
    ]);
    // Nobody is known to own anything for an anonymous caller.
    const unowned = { kind: 'job', name: job };
    await audited('anonymous', 'PATCH', `/api/v1/jobs/${job}`, { parameters: { n: 3 } }, [
      'updateJob',
      unowned,
      401,
      'denied',
    ]);
    await audited('admin', 'DELETE', `/api/v1/jobs/${job}?user=alice`, undefined, [
      'deleteJob',
      aliceJob,
      204,
      'success',
    ]);

    for (const want of expected) {
      const found = await entriesOf(stack.base, want.requestId, `object=${job}`);
      expect(found, `entries of ${want.action} by ${want.actor}`).toHaveLength(1);
      expect(found[0]).toMatchObject({
        requestId: want.requestId,
        actor: {
          name: want.actor,
          kind: want.actor === 'anonymous' ? 'anonymous' : 'user',
          admin: want.actor === 'admin',
        },
        action: want.action,
        object: want.object,
        result: { status: want.status, outcome: want.outcome },
      });
    }
    // Nothing else about this job: reads are not audited, and no call was recorded twice.
    const all = (await auditPage(stack.base, `object=${job}&limit=500`)).items;
    expect(all.map((e) => e.requestId).sort()).toEqual(expected.map((e) => e.requestId).sort());
    // Newest first.
    expect(all.map((e) => e.time)).toEqual([...all.map((e) => e.time)].sort().reverse());

    const created = all.find((e) => e.action === 'createJob');
    expect(created?.change).toMatchObject({
      name: job,
      notebook: { content: { cells: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } },
    });
    expect(JSON.stringify(created?.change)).not.toContain('print(n)');
    const patched = all.find((e) => e.action === 'updateJob' && e.actor.name === 'alice');
    expect(patched?.change).toEqual({ parameters: { n: 2, apiToken: '[redacted]' } });

    // Filters narrow on the server.
    const denied = (await auditPage(stack.base, `object=${job}&outcome=denied`)).items;
    expect(denied.map((e) => e.actor.kind)).toEqual(['anonymous']);
    const bobs = (await auditPage(stack.base, `object=${job}&actor=bob`)).items;
    expect(bobs.map((e) => e.result)).toEqual([{ status: 404, outcome: 'failure' }]);
    const byAdmin = (await auditPage(stack.base, `object=${job}&actor=admin&action=deleteJob`)).items;
    expect(byAdmin).toHaveLength(1);

    // Stored as kubectl sees it: a ConfigMap per day, labelled, one key per entry.
    const today = new Date().toISOString().slice(0, 10);
    const maps = await clients().core.listNamespacedConfigMap({
      namespace: stack.namespace,
      labelSelector: `app.kubernetes.io/part-of=turing,${AUDIT_DAY_LABEL}=${today}`,
    });
    expect(maps.items.map((cm) => cm.metadata?.name)).toContain(`turing-audit-${today}-0`);
    const keys = maps.items.flatMap((cm) => Object.keys(cm.data ?? {}));
    for (const entry of all) expect(keys).toContain(entry.id);
  }, 120_000);

  it('refuses non-admins on both audit routes (403) and anonymous callers (401)', async () => {
    for (const path of ['/api/v1/admin/audit', '/api/v1/admin/audit/export']) {
      expect((await stack.call(stack.tokens.alice, path)).status).toBe(403);
      expect((await stack.call(stack.tokens.bob, path)).status).toBe(403);
      expect((await stack.call(undefined, path)).status).toBe(401);
    }
  });

  it('exports JSON lines that parse, as a dated attachment', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const res = await stack.call(
      stack.tokens.admin,
      `/api/v1/admin/audit/export?object=${job}&since=${since}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="turing-audit-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.jsonl"$/,
    );
    const text = await res.text();
    // Redaction held: no credential of the run is in the log.
    for (const secret of [...Object.values(stack.tokens), stack.serviceToken, 'hunter2-hunter2']) {
      expect(text).not.toContain(secret);
    }
    const lines = text.trimEnd().split('\n');
    const parsed = lines.map((line) => JSON.parse(line) as AuditEntry);
    expect(parsed.map((e) => e.requestId).sort()).toEqual(expected.map((e) => e.requestId).sort());
  });

  it('keeps the entries across a hub-proxy restart', async () => {
    const port = stack.proxy.config.listenPort;
    await stack.proxy.stop();
    stack.proxy = await startInProcessHubProxy(stack.hub, {
      serviceToken: stack.serviceToken,
      port,
      env: proxyEnv(),
    });
    await eventually(
      'hub-proxy ready again',
      60_000,
      async () => (await fetch(`${stack.base}/readyz`)).ok,
      200,
    );
    const after = (await auditPage(stack.base, `object=${job}&limit=500`)).items;
    expect(after.map((e) => e.requestId).sort()).toEqual(expected.map((e) => e.requestId).sort());
  }, 90_000);

  it('keeps the entries of both replicas across a leader handover', async () => {
    const second = await startInProcessHubProxy(stack.hub, {
      serviceToken: stack.serviceToken,
      port: await freePort(),
      env: proxyEnv(),
    });
    extraProxies.push(second);
    const first = stack.proxy;
    const direct = (proxy: InProcessHubProxy) => `${proxy.proxy.url}/services/turing`;
    await eventually(
      'the second replica ready',
      60_000,
      async () => (await fetch(`${direct(second)}/readyz`)).ok,
      200,
    );

    // One write through each replica.
    const through = async (proxy: InProcessHubProxy, name: string) => {
      const res = await callAt(direct(proxy), 'alice', '/api/v1/jobs', {
        method: 'POST',
        body: JSON.stringify(jobBody(name)),
      });
      expect(res.status).toBe(201);
      return res.headers.get('x-request-id') as string;
    };
    const firstId = await through(first, `${job}-one`);
    const secondId = await through(second, `${job}-two`);

    const isLeader = (p: InProcessHubProxy) => p.assembled.cluster?.elector.isLeader === true;
    const leader = await eventually('a leader', 30_000, () => [first, second].find(isLeader));
    const survivor = leader === first ? second : first;
    await leader.stop();
    await eventually('the survivor to lead', 30_000, () => isLeader(survivor));

    for (const id of [firstId, secondId]) {
      expect(await entriesOf(direct(survivor), id, 'action=createJob')).toHaveLength(1);
    }
    // And the survivor keeps recording.
    const thirdId = await through(survivor, `${job}-three`);
    expect(await entriesOf(direct(survivor), thirdId, 'action=createJob')).toHaveLength(1);
    // The rest of the file talks to the survivor.
    survivorBase = direct(survivor);
  }, 180_000);

  it('retention deletes the days older than the setting, and nothing newer', async () => {
    const store = new DayPartitionedAuditStore(new KubernetesAuditDays(clients()));
    const now = new Date();
    const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
    const old = (n: number): AuditEntry =>
      auditEntryFixture({
        id: `old-${n}-${randomBytes(3).toString('hex')}`,
        time: daysAgo(n).toISOString(),
        requestId: `retention-${n}`,
        path: '/services/turing/api/v1/jobs/x',
        object: { kind: 'job', name: 'retention-probe', owner: 'alice' },
      });
    await store.append([old(120), old(91), old(89)]);
    const probe = async () =>
      (await auditPage(survivorBase || stack.base, 'object=retention-probe&limit=50')).items.map(
        (e) => e.requestId,
      );
    expect((await probe()).sort()).toEqual(['retention-120', 'retention-89', 'retention-91']);

    const retention = new AuditRetention({
      store,
      retentionDays: 90,
      logger: createLogger({ level: 'silent' }),
      now: () => now,
    });
    const swept = await retention.sweep();
    expect(swept.sort()).toEqual([daysAgo(120), daysAgo(91)].map((d) => d.toISOString().slice(0, 10)).sort());
    expect(await probe()).toEqual(['retention-89']);
    const gone = await clients().core.listNamespacedConfigMap({
      namespace: stack.namespace,
      labelSelector: `${AUDIT_DAY_LABEL}=${daysAgo(120).toISOString().slice(0, 10)}`,
    });
    expect(gone.items).toEqual([]);
    // Today's entries are untouched.
    expect((await auditPage(survivorBase || stack.base, `object=${job}`)).items.length).toBeGreaterThan(0);
  }, 60_000);

  it('lets replicas append to a new day at once: one creates the part, the others patch it', async () => {
    const day = '2001-02-03';
    const replicas = Array.from({ length: 5 }, () => new KubernetesAuditDays(clients()));
    await Promise.all(
      replicas.map((replica, r) =>
        replica.append(
          day,
          Array.from({ length: 3 }, (_, i) => ({
            id: `race-${r}-${i}`,
            time: `${day}T00:00:0${i}.000Z`,
            requestId: `race-${r}-${i}`,
            actor: { name: 'alice', kind: 'user' as const, admin: false },
            action: 'updateJob',
            method: 'PATCH',
            path: '/x',
            object: { kind: 'job', name: 'race' },
            result: { status: 200, outcome: 'success' as const },
          })),
        ),
      ),
    );
    const parts = await clients().core.listNamespacedConfigMap({
      namespace: stack.namespace,
      labelSelector: `${AUDIT_DAY_LABEL}=${day}`,
    });
    expect(parts.items.map((cm) => cm.metadata?.name)).toEqual([`turing-audit-${day}-0`]);
    expect((await replicas[0]?.read(day))?.map((e) => e.id).sort()).toEqual(
      replicas.flatMap((_, r) => [0, 1, 2].map((i) => `race-${r}-${i}`)).sort(),
    );
    await replicas[0]?.delete(day);
  }, 60_000);

  it('moves to the next ConfigMap when the apiserver refuses a part as too large', async () => {
    // A part limit above the apiserver's 1 MiB, so the apiserver's own refusal is what moves on.
    const days = new KubernetesAuditDays(clients(), 4 * 1024 * 1024);
    const day = '2001-01-01';
    const big = (n: number): AuditEntry => ({
      id: `big-${n}`,
      time: `${day}T00:00:00.000Z`,
      requestId: `big-${n}`,
      actor: { name: 'alice', kind: 'user', admin: false },
      action: 'updateJob',
      method: 'PATCH',
      path: '/x',
      object: { kind: 'job', name: 'big' },
      change: { filler: 'x'.repeat(3500) },
      result: { status: 200, outcome: 'success' },
    });
    const batch = (from: number) => Array.from({ length: 200 }, (_, i) => big(from + i));
    await days.append(day, batch(0)); // ~0.7 MiB: fits part 0
    await days.append(day, batch(200)); // ~1.4 MiB in part 0 would be refused
    const parts = await clients().core.listNamespacedConfigMap({
      namespace: stack.namespace,
      labelSelector: `${AUDIT_DAY_LABEL}=${day}`,
    });
    expect(parts.items.map((cm) => cm.metadata?.name).sort()).toEqual([
      `turing-audit-${day}-0`,
      `turing-audit-${day}-1`,
    ]);
    expect((await days.read(day)).length).toBe(400);
    await days.delete(day);
    expect(await days.days()).not.toContain(day);
  }, 60_000);
});
