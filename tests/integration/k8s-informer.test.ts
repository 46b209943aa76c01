import type { V1ConfigMap, V1Lease } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  GroupedResourceClient,
  InformerCache,
  KubeConflictError,
  KubeInvalidError,
  KubeReadiness,
  createKubeClients,
  serverSideApply,
  toKubeError,
  type KubeClients,
} from '../../hub-proxy/src/k8s/index.js';
import { ControlPlane } from '../support/control-plane.js';
import { eventually } from '../support/eventually.js';

function configMapCache(
  clients: KubeClients,
  hooks: Partial<ConstructorParameters<typeof InformerCache>[0]> = {},
) {
  return new InformerCache<V1ConfigMap>({
    kubeConfig: clients.kubeConfig,
    resource: { version: 'v1', plural: 'configmaps' },
    namespace: clients.namespace,
    list: ({ labelSelector }) =>
      clients.core.listNamespacedConfigMap({ namespace: clients.namespace, labelSelector }),
    ...hooks,
  });
}

async function freshNamespace(clients: KubeClients): Promise<void> {
  await clients.core.createNamespace({ body: { metadata: { name: clients.namespace } } });
}

describe('k8s layer against the shared kube-apiserver', () => {
  const clients = createKubeClients({
    kubeconfigPath: inject('kubeconfigPath'),
    namespace: `k8s-inf-${randomBytes(3).toString('hex')}`,
  });
  const caches: Array<InformerCache<V1ConfigMap>> = [];

  beforeAll(() => freshNamespace(clients));
  afterAll(async () => {
    await Promise.all(caches.map((c) => c.stop()));
    await clients.core.deleteNamespace({ name: clients.namespace });
  });

  it('syncs, mirrors create/update/delete, honours the label selector and reports metrics', async () => {
    const { core, namespace } = clients;
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'before', labels: { app: 'turing', tier: 'a' } }, data: { v: '1' } },
    });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'unlabelled' }, data: {} } });

    const requests: string[] = [];
    const sizes: number[] = [];
    const cache = new InformerCache<V1ConfigMap>({
      kubeConfig: clients.kubeConfig,
      resource: { version: 'v1', plural: 'configmaps' },
      namespace,
      labelSelector: 'app=turing',
      list: ({ labelSelector }) => core.listNamespacedConfigMap({ namespace, labelSelector }),
      onRequest: (verb, resource, outcome) => requests.push(`${verb} ${resource} ${outcome}`),
      onCacheSize: (_resource, size) => sizes.push(size),
    });
    caches.push(cache);
    const events: string[] = [];
    cache.on('add', (cm) => events.push(`add ${cm.metadata?.name}`));
    cache.on('update', (cm, previous) =>
      events.push(`update ${cm.metadata?.name} ${previous?.data?.v}->${cm.data?.v}`),
    );
    cache.on('delete', (cm) => events.push(`delete ${cm.metadata?.name}`));

    expect(cache.synced).toBe(false);
    cache.start();
    await cache.waitForSync(10_000);
    expect(cache.synced).toBe(true);
    expect(cache.get('before')?.data).toEqual({ v: '1' });
    expect(cache.get('unlabelled')).toBeUndefined();
    expect(requests).toEqual(['list configmaps success', 'watch configmaps success']);
    expect(sizes.at(-1)).toBe(1);
    // Cached objects are plain JSON whether they came from the list or the watch.
    expect(typeof cache.get('before')?.metadata?.creationTimestamp).toBe('string');

    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'later', labels: { app: 'turing', tier: 'b' } }, data: { v: '1' } },
    });
    await eventually('later in cache', 5000, () => cache.get('later'));
    await core.patchNamespacedConfigMap({
      namespace,
      name: 'later',
      body: [{ op: 'replace', path: '/data/v', value: '2' }],
    });
    await eventually('update seen', 5000, () => cache.get('later')?.data?.v === '2');
    expect(cache.list({ labelSelector: 'tier=b' }).map((c) => c.metadata?.name)).toEqual(['later']);
    expect(cache.list({ labelSelector: { app: 'turing' } })).toHaveLength(2);
    expect(sizes.at(-1)).toBe(2);

    await core.deleteNamespacedConfigMap({ namespace, name: 'before' });
    await eventually('delete seen', 5000, () => cache.get('before') === undefined);
    expect(events).toEqual(['add before', 'add later', 'update later 1->2', 'delete before']);
    expect(cache.size).toBe(1);
    await cache.stop();
    expect(cache.synced).toBe(false);
  });

  it('lists in pages of pageSize, trimming each page, then watches from the snapshot the pages share', async () => {
    const { core, namespace } = clients;
    const names = Array.from({ length: 7 }, (_, i) => `paged-${i}`);
    for (const name of names) {
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name, labels: { set: 'paged' } }, data: { big: 'x'.repeat(1000) } },
      });
    }
    const pages: Array<{ limit?: number; continued: boolean; items: number }> = [];
    const cache = configMapCache(clients, {
      labelSelector: 'set=paged',
      pageSize: 3,
      list: async (page) => {
        const list = await core.listNamespacedConfigMap({ namespace, ...page });
        pages.push({ limit: page.limit, continued: page._continue !== undefined, items: list.items.length });
        return list;
      },
      trim: (cm: V1ConfigMap) => {
        delete cm.data;
        return cm;
      },
    });
    caches.push(cache);
    cache.start();
    await cache.waitForSync(10_000);

    expect(pages).toEqual([
      { limit: 3, continued: false, items: 3 },
      { limit: 3, continued: true, items: 3 },
      { limit: 3, continued: true, items: 1 },
    ]);
    expect(
      cache
        .list()
        .map((c) => c.metadata?.name)
        .sort(),
    ).toEqual(names);
    expect(cache.list().every((c) => c.data === undefined)).toBe(true);
    // The watch resumes after the list's snapshot: a new object arrives, none is replayed.
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'paged-late', labels: { set: 'paged' } }, data: { big: 'y' } },
    });
    await eventually('paged-late in cache', 5000, () => cache.get('paged-late'));
    expect(cache.get('paged-late')?.data).toBeUndefined();
    expect(cache.size).toBe(8);
    await cache.stop();
  });

  it('keeps connecting through a list slower than the connect timeout while its pages keep coming', async () => {
    const { core, namespace } = clients;
    for (let i = 0; i < 4; i++) {
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: `slow-${i}`, labels: { set: 'slow' } } },
      });
    }
    const firstPages: number[] = [];
    const requests: string[] = [];
    const cache = configMapCache(clients, {
      labelSelector: 'set=slow',
      pageSize: 1,
      connectTimeoutMs: 700,
      list: async (page) => {
        if (page._continue === undefined) firstPages.push(Date.now());
        await new Promise((r) => setTimeout(r, 300));
        return core.listNamespacedConfigMap({ namespace, ...page });
      },
      onRequest: (verb, _resource, outcome) => requests.push(`${verb} ${outcome}`),
    });
    caches.push(cache);
    const started = Date.now();
    cache.start();
    await cache.waitForSync(10_000);
    // At least 4 pages (the apiserver may end a filtered list with an empty one),
    // longer in all than the 700 ms timeout, and the attempt was never given up.
    expect(Date.now() - started).toBeGreaterThan(1_000);
    expect(firstPages).toHaveLength(1);
    expect(requests.filter((r) => r === 'list success').length).toBeGreaterThanOrEqual(4);
    expect(requests.filter((r) => r !== 'list success')).toEqual(['watch success']);
    expect(cache.size).toBe(4);
    await cache.stop();
  });

  it('stops a list it gave up on at the next page instead of fetching the rest', async () => {
    const { core, namespace } = clients;
    const pages: boolean[] = [];
    const cache = configMapCache(clients, {
      labelSelector: 'set=slow',
      pageSize: 1,
      connectTimeoutMs: 300,
      backoff: { initialMs: 100, maxMs: 200 },
      list: async (page) => {
        pages.push(page._continue !== undefined);
        // Every page stalls past the timeout, so every attempt is given up during its first page.
        await new Promise((r) => setTimeout(r, 600));
        return core.listNamespacedConfigMap({ namespace, ...page });
      },
    });
    caches.push(cache);
    cache.start();
    await new Promise((r) => setTimeout(r, 3_000));
    expect(cache.synced).toBe(false);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    // Only first pages were requested: no abandoned attempt went on to a second.
    expect(pages.every((continued) => !continued)).toBe(true);
    await cache.stop();
  });

  it('pages raw custom-objects lists too, whose token is `continue`, not `_continue`', async () => {
    const { coordination, namespace } = clients;
    const names = Array.from({ length: 5 }, (_, i) => `paged-lease-${i}`);
    for (const name of names) {
      await coordination.createNamespacedLease({
        namespace,
        body: { metadata: { name, labels: { set: 'paged' } }, spec: { holderIdentity: name } },
      });
    }
    const leases = new GroupedResourceClient<V1Lease>(clients, {
      group: 'coordination.k8s.io',
      version: 'v1',
      plural: 'leases',
    });
    const requests: string[] = [];
    const cache = leases.informer({
      labelSelector: 'set=paged',
      pageSize: 2,
      onRequest: (verb) => requests.push(verb),
    });
    caches.push(cache as unknown as InformerCache<V1ConfigMap>);
    cache.start();
    await cache.waitForSync(10_000);
    expect(requests).toEqual(['list', 'list', 'list', 'watch']);
    expect(
      cache
        .list()
        .map((l) => l.metadata?.name)
        .sort(),
    ).toEqual(names);
    await cache.stop();
  });

  it('server-side apply creates, then updates, with the field manager in managedFields', async () => {
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied', labels: { app: 'turing' } },
      data: { a: '1' },
    };
    const created = await serverSideApply(clients, body);
    expect(created.metadata.namespace).toBe(clients.namespace);
    expect(body.metadata).not.toHaveProperty('namespace');
    const manager = created.metadata.managedFields?.find((f) => f.manager === 'turing-hub-proxy');
    expect(manager?.operation).toBe('Apply');

    const updated = await serverSideApply(clients, { ...body, data: { a: '2', b: '3' } });
    expect(updated.data).toEqual({ a: '2', b: '3' });
    expect(updated.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    const stored = await clients.core.readNamespacedConfigMap({
      namespace: clients.namespace,
      name: 'applied',
    });
    expect(stored.data).toEqual({ a: '2', b: '3' });

    // Another manager changing a field we own: conflict, unless forced.
    const rival = { ...body, data: { a: 'rival' } };
    const conflict = await serverSideApply(clients, rival, { fieldManager: 'someone-else' }).catch(
      (e: unknown) => e,
    );
    expect(conflict).toBeInstanceOf(KubeConflictError);
    expect((conflict as KubeConflictError).kind).toBe('conflict');
    const forced = await serverSideApply(clients, rival, { fieldManager: 'someone-else', force: true });
    expect(forced.data?.a).toBe('rival');
    expect(forced.metadata.managedFields?.map((f) => f.manager)).toEqual(
      expect.arrayContaining(['turing-hub-proxy', 'someone-else']),
    );
  });

  it('maps API errors to typed errors (invalid with causes, not found)', async () => {
    const invalid = await serverSideApply(clients, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'invalid-data' },
      data: { 'not a valid key!': 'x' },
    }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(KubeInvalidError);
    expect((invalid as KubeInvalidError).status).toBe(422);
    expect((invalid as KubeInvalidError).causes[0]?.field).toBe('data[not a valid key!]');

    const missing = await clients.core
      .readNamespacedConfigMap({ namespace: clients.namespace, name: 'nope' })
      .catch((e: unknown) => toKubeError(e));
    expect(missing).toMatchObject({ kind: 'not-found', status: 404 });
  });
});

describe('informer recovery across a kube-apiserver restart (own control plane)', () => {
  const controlPlane = new ControlPlane();
  let clients: KubeClients;

  beforeAll(async () => {
    await controlPlane.start();
    console.log(`[k8s-informer] own control plane ready in ${controlPlane.timings.total} ms`);
    clients = createKubeClients({ kubeconfigPath: controlPlane.kubeconfigPath, namespace: 'restart-test' });
    await freshNamespace(clients);
  }, 180_000);
  afterAll(() => controlPlane.stop());

  it('goes unready while the API server is down, re-lists when it is back and sees new objects', async () => {
    const { core, namespace } = clients;
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'survivor' } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'doomed' } } });
    const requests: string[] = [];
    const cache = configMapCache(clients, {
      backoff: { maxMs: 2000 },
      onRequest: (verb, _resource, outcome) => requests.push(`${verb} ${outcome}`),
    });
    const readiness = new KubeReadiness();
    readiness.register(cache);
    cache.start();
    await cache.waitForSync(10_000);
    expect((await readiness.check()).ok).toBe(true);

    // Sample readiness every 25 ms for the whole restart.
    const samples: Array<{ at: number; ok: boolean }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push({ at: Date.now(), ok: (await readiness.check()).ok });
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    const stopAt = Date.now();
    await controlPlane.restartApiServer(2000);
    const backAt = Date.now();
    const recovered = await eventually('the cache to resync', 30_000, () => cache.synced && Date.now());
    sampling = false;
    await sampler;

    const firstDown = samples.find((s) => !s.ok);
    expect(firstDown, 'readiness never went false').toBeDefined();
    expect(firstDown?.at).toBeLessThan(backAt);
    expect(samples.at(-1)?.ok).toBe(true);
    expect((await readiness.check()).ok).toBe(true);
    expect(cache.lastError?.kind).toMatch(/unavailable|timeout/);
    // It came back through a fresh list, not just a re-watch.
    expect(requests.filter((r) => r === 'list success').length).toBeGreaterThanOrEqual(2);
    const firstUpAgain = samples.find((s) => s.ok && s.at > (firstDown?.at ?? 0));
    console.log(
      `[k8s-informer] apiserver restart (stop, 2 s down, start): took ${backAt - stopAt} ms; readiness false ` +
        `${(firstDown?.at ?? 0) - stopAt} ms after the stop began, true again after ${(firstUpAgain?.at ?? 0) - (firstDown?.at ?? 0)} ms; ` +
        `cache resynced ${recovered - backAt} ms after kube-apiserver /readyz was 200 again`,
    );

    const deleted: string[] = [];
    cache.on('delete', (cm) => deleted.push(cm.metadata?.name ?? ''));
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'after-restart' } } });
    await core.deleteNamespacedConfigMap({ namespace, name: 'doomed' });
    await eventually('after-restart in cache', 5000, () => cache.get('after-restart'));
    await eventually('doomed gone', 5000, () => cache.get('doomed') === undefined);
    expect(cache.get('survivor')).toBeDefined();
    expect(deleted).toEqual(['doomed']);
    await cache.stop();
  });
});
