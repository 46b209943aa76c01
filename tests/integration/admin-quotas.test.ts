import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiStack, jobBody } from '../support/api-stack.js';

interface Limits {
  gpus: number;
  concurrentRuns: number;
  scheduledJobs: number;
  modelReplicas: number;
  artifactBytes: number;
}
interface QuotasView {
  version: string;
  defaults: Limits;
  groups: Record<string, Partial<Limits>>;
  users: Record<string, Partial<Limits>>;
}
interface Problem {
  type: string;
  status: number;
  detail: string;
  quota?: string;
  limit?: number;
  used?: number;
  currentVersion?: string;
}

const hourly = { schedule: { cron: '0 * * * *' } };

/**
 * Admin-editable quotas against the real hub and kube-apiserver: the
 * document lives in the `turing-quotas` ConfigMap, an admin's edit applies
 * to the user's next request (scheduled jobs, concurrent runs, GPUs of a
 * spawn), a hub group raises a quota for its members, stale and
 * unconditional writes are refused, and users may not touch the admin routes.
 */
describe('admin: quotas (real hub, kubernetes runtime)', () => {
  const kubeconfigPath = inject('kubeconfigPath');
  const stack = new ApiStack(kubeconfigPath);
  let version = '';

  const put = (user: 'admin' | 'alice', document: unknown, ifMatch?: string) =>
    stack.call(stack.tokens[user], '/api/v1/admin/quotas', {
      method: 'PUT',
      body: JSON.stringify(document),
      headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch },
    });
  async function problem(res: Response, status: number): Promise<Problem> {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return JSON.parse(text) as Problem;
  }
  /** Replaces the document as the admin, from the version last read. */
  type QuotasDocument = Omit<QuotasView, 'version'>;
  async function edit(change: (current: QuotasDocument) => QuotasDocument): Promise<QuotasView> {
    const current = await stack.json<QuotasView>('admin', '/api/v1/admin/quotas');
    const { version: _read, ...document } = current;
    const res = await put('admin', change(document), `"${current.version}"`);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const written = JSON.parse(text) as QuotasView;
    expect(res.headers.get('etag')).toBe(`"${written.version}"`);
    version = written.version;
    return written;
  }

  beforeAll(async () => {
    await stack.start();
    // bob is in a group whose quota is higher than the defaults (groups are read once, then cached 30 s).
    expect((await stack.hub.api('/groups/power', { method: 'POST' })).status).toBe(201);
    const joined = await stack.hub.api('/groups/power/users', {
      method: 'POST',
      body: JSON.stringify({ users: ['bob'] }),
    });
    expect(joined.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
  });

  it('seeds the document into the turing-quotas ConfigMap and serves it with its version as the ETag', async () => {
    const res = await stack.call(stack.tokens.admin, '/api/v1/admin/quotas');
    expect(res.status).toBe(200);
    const view = (await res.json()) as QuotasView;
    expect(res.headers.get('etag')).toBe(`"${view.version}"`);
    expect(view.defaults).toEqual({
      gpus: 2,
      concurrentRuns: 10,
      scheduledJobs: 50,
      modelReplicas: 8,
      artifactBytes: 1024 ** 3,
    });
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const configMap = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ namespace: stack.namespace, name: 'turing-quotas' });
    expect(configMap.metadata?.resourceVersion).toBe(view.version);
    expect(JSON.parse(configMap.data?.['quotas.json'] ?? '{}')).toMatchObject({ defaults: view.defaults });
    version = view.version;
  });

  it('refuses users on every admin route (403) and anonymous callers (401)', async () => {
    expect((await stack.call(stack.tokens.alice, '/api/v1/admin/quotas')).status).toBe(403);
    expect((await put('alice', {}, `"${version}"`)).status).toBe(403);
    expect((await stack.call(stack.tokens.alice, '/api/v1/admin/quotas/usage?user=alice')).status).toBe(403);
    expect((await stack.call(undefined, '/api/v1/admin/quotas')).status).toBe(401);
  });

  it('applies a lowered scheduledJobs quota to the next create, and a group quota raises it for members', async () => {
    await edit((doc) => ({
      ...doc,
      defaults: { ...doc.defaults, scheduledJobs: 1 },
      groups: { power: { scheduledJobs: 3 } },
    }));
    await stack.createJob('alice', 'hourly-1', hourly);
    const refused = await problem(
      await stack.call(stack.tokens.alice, '/api/v1/jobs', {
        method: 'POST',
        body: JSON.stringify(jobBody('hourly-2', hourly)),
      }),
      403,
    );
    expect(refused).toMatchObject({
      type: 'https://turing.dev/problems/quota-exceeded',
      quota: 'scheduledJobs',
      limit: 1,
      used: 1,
    });
    expect(refused.detail).toMatch(/^Quota scheduledJobs exceeded: 1 of 1 scheduled jobs in use/);
    // An on-demand job is no scheduled job; adding a schedule to it is refused the same way.
    await stack.createJob('alice', 'on-demand');
    const patched = await problem(
      await stack.call(stack.tokens.alice, '/api/v1/jobs/on-demand', {
        method: 'PATCH',
        body: JSON.stringify(hourly),
      }),
      403,
    );
    expect(patched).toMatchObject({ quota: 'scheduledJobs', limit: 1, used: 1 });

    // bob's group sets 3.
    for (const name of ['hourly-1', 'hourly-2', 'hourly-3']) await stack.createJob('bob', name, hourly);
    expect(
      await problem(
        await stack.call(stack.tokens.bob, '/api/v1/jobs', {
          method: 'POST',
          body: JSON.stringify(jobBody('hourly-4', hourly)),
        }),
        403,
      ),
    ).toMatchObject({ quota: 'scheduledJobs', limit: 3, used: 3 });
    const usage = await stack.json<{
      groups: string[];
      limits: Limits;
      used: Limits;
      sources: Record<string, string>;
    }>('admin', '/api/v1/admin/quotas/usage?user=bob');
    expect(usage).toMatchObject({
      groups: ['power'],
      limits: { scheduledJobs: 3 },
      used: { scheduledJobs: 3 },
      sources: { scheduledJobs: 'group:power', concurrentRuns: 'default' },
    });
  });

  it("applies a user's concurrentRuns of 0 to the next run-now: 429 with Retry-After naming the quota", async () => {
    await edit((doc) => ({ ...doc, users: { alice: { concurrentRuns: 0 } } }));
    const res = await stack.call(stack.tokens.alice, '/api/v1/jobs/on-demand/runs', {
      method: 'POST',
      body: '{}',
    });
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    const refused = await problem(res, 429);
    expect(refused).toMatchObject({ quota: 'concurrentRuns', limit: 0, used: 0 });
    expect(refused.detail).toMatch(/^Quota concurrentRuns exceeded: 0 of 0 runs in use/);
    expect(await stack.json('alice', '/api/v1/me/quotas')).toMatchObject({
      limits: { concurrentRuns: 0, scheduledJobs: 1 },
      used: { concurrentRuns: 0, scheduledJobs: 1 },
    });
  });

  it("applies a lowered gpus quota to the hub's pre-spawn check (403 gpu-quota-exceeded with quota gpus)", async () => {
    await edit((doc) => ({ ...doc, users: { alice: { gpus: 0 } } }));
    const refused = await problem(
      await stack.call(stack.tokens.alice, '/api/v1/environments/quota/check', {
        method: 'POST',
        body: JSON.stringify({
          user: 'alice',
          userOptions: { profile: 'tf-2.16-cuda12.3', gpus: '1', gpu_type: 't4' },
        }),
      }),
      403,
    );
    expect(refused).toMatchObject({
      type: 'https://turing.dev/problems/gpu-quota-exceeded',
      quota: 'gpus',
      limit: 0,
      used: 0,
    });
  });

  it('refuses a write without If-Match (428), with a stale one (409 naming the current version), and bad values (422)', async () => {
    const current = await stack.json<QuotasView>('admin', '/api/v1/admin/quotas');
    const { version: read, ...document } = current;
    expect((await problem(await put('admin', document), 428)).type).toBe(
      'https://turing.dev/problems/precondition-required',
    );
    const bad = await problem(
      await put('admin', { ...document, users: { alice: { gpus: -1 } } }, `"${read}"`),
      422,
    );
    expect(bad).toMatchObject({ errors: [{ field: 'users.alice.gpus', message: 'must be ≥ 0' }] });
    // Another admin saves first; the edit based on the old version must not overwrite theirs.
    const theirs = await edit((doc) => ({ ...doc, defaults: { ...doc.defaults, modelReplicas: 2 } }));
    const stale = await problem(await put('admin', document, `"${read}"`), 409);
    expect(stale).toMatchObject({
      type: 'https://turing.dev/problems/conflict',
      currentVersion: theirs.version,
      detail: 'The quotas changed since you loaded them; reload them and apply your edit again.',
    });
    expect((await stack.json<QuotasView>('admin', '/api/v1/admin/quotas')).defaults.modelReplicas).toBe(2);
  });
});
