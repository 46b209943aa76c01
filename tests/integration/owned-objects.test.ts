import type { V1ConfigMap } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ownerLabelValue, ownerMetadata } from '../../hub-proxy/src/ownership/ownership.js';
import { Conflict, NotFound } from '../../hub-proxy/src/errors/index.js';
import { toHttpError } from '../../hub-proxy/src/http/error-mapping.js';
import {
  KubeConflictError,
  OwnedResourceStore,
  createKubeClients,
  type KubeClients,
} from '../../hub-proxy/src/k8s/index.js';
import { ANNOTATIONS, LABELS } from '../../hub-proxy/src/ownership/labels.js';
import { OwnedObjects } from '../../hub-proxy/src/ownership/owned-objects.js';
import { hubProxyKubeconfig } from '../support/chart-service-account.js';

const alice = { name: 'alice', isAdmin: false };
const bob = { name: 'bob', isAdmin: false };
const admin = { name: 'root', isAdmin: true };
// The controller-manager publishes this into every namespace; it has no owner.
const SYSTEM = new Set(['kube-root-ca.crt']);

const names = (page: { items: V1ConfigMap[] }) =>
  page.items.map((c) => c.metadata?.name).filter((n) => n !== undefined && !SYSTEM.has(n));
const configMap = (name: string, data: Record<string, string> = {}): V1ConfigMap => ({
  metadata: { name },
  data,
});

const kubeconfigPath = inject('kubeconfigPath');
// The test's own set-up and reads, as the cluster admin.
const clients: KubeClients = createKubeClients({
  kubeconfigPath,
  namespace: `owned-${randomBytes(3).toString('hex')}`,
});
// The store as hub-proxy holds it: the chart's ServiceAccount, whose RoleBinding needs the namespace first.
await clients.core.createNamespace({ body: { metadata: { name: clients.namespace } } });
const hubProxyClients: KubeClients = createKubeClients({
  kubeconfigPath: await hubProxyKubeconfig(kubeconfigPath, clients.namespace),
  namespace: clients.namespace,
});

describe('OwnedObjects over ConfigMaps on the shared kube-apiserver', () => {
  const store = new OwnedResourceStore<V1ConfigMap>(hubProxyClients, {
    version: 'v1',
    plural: 'configmaps',
    kind: 'ConfigMap',
    apiVersion: 'v1',
  });
  const service = new OwnedObjects(store, 'ConfigMap');
  const read = (name: string) => clients.core.readNamespacedConfigMap({ namespace: clients.namespace, name });

  beforeAll(async () => {
    await service.create(alice, configMap('a1', { v: 'a1' }));
    await service.create(alice, configMap('a2', { v: 'a2' }));
    await service.create(bob, configMap('b1', { v: 'bob' }));
  });
  afterAll(() => clients.core.deleteNamespace({ name: clients.namespace }));

  it('lists each user exactly their own and an admin all of them', async () => {
    expect(names(await service.list(alice))).toEqual(['a1', 'a2']);
    expect(names(await service.list(bob))).toEqual(['b1']);
    expect(names(await service.list(admin))).toEqual(['a1', 'a2', 'b1']);
    expect(names(await service.list(admin, { owner: 'bob' }))).toEqual(['b1']);

    const stored = await read('a1');
    expect(stored.metadata?.labels?.[LABELS.owner]).toBe('alice');
    expect(stored.metadata?.annotations?.[ANNOTATIONS.ownerName]).toBe('alice');
  });

  it('pages with the API server’s continue token', async () => {
    const first = await service.list(alice, { limit: 1 });
    expect(names(first)).toEqual(['a1']);
    expect(first.continue).toEqual(expect.any(String));
    const second = await service.list(alice, { limit: 1, continue: first.continue });
    expect(names(second)).toEqual(['a2']);
  });

  it('answers 404 to alice for bob’s object on get, update and delete, and leaves it unchanged', async () => {
    const before = await read('b1');
    for (const attempt of [
      () => service.get(alice, 'b1'),
      () => service.update(alice, 'b1', (cm) => void (cm.data = { v: 'hacked' })),
      () => service.delete(alice, 'b1'),
    ]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFound);
      expect(toHttpError(err).status).toBe(404);
      expect(toHttpError(err).detail).toBe('ConfigMap "b1" not found.');
    }
    const after = await read('b1');
    expect(after.data).toEqual(before.data);
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    // A name that does not exist looks the same.
    const missing = await service.get(alice, 'no-such').catch((e: unknown) => e);
    expect(toHttpError(missing)).toMatchObject({ status: 404, detail: 'ConfigMap "no-such" not found.' });
  });

  it('lets owners and admins update and delete, with Conflict on a stale write', async () => {
    await service.create(alice, configMap('a3', { v: '1' }));
    const updated = await service.update(alice, 'a3', (cm) => void (cm.data = { v: '2' }));
    expect((await read('a3')).data).toEqual({ v: '2' });
    const byAdmin = await service.update(admin, 'a3', (cm) => void (cm.data = { v: '3' }));
    expect(byAdmin.metadata?.labels?.[LABELS.owner]).toBe('alice');

    const stale = await service
      .update(alice, 'a3', async (cm) => {
        await service.update(admin, 'a3', (other) => void (other.data = { v: 'admin' }));
        cm.data = { v: 'late' };
      })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(Conflict);
    expect((await read('a3')).data).toEqual({ v: 'admin' });

    // The store's delete precondition is enforced by the API server itself.
    const old = updated.metadata?.resourceVersion;
    await expect(store.delete('a3', { resourceVersion: old })).rejects.toBeInstanceOf(KubeConflictError);
    await expect(service.create(bob, configMap('a3'))).rejects.toBeInstanceOf(Conflict);
    await service.delete(alice, 'a3');
    await expect(read('a3')).rejects.toMatchObject({ code: 404 });
  });

  it('does not give alice an object with her slug label but another owner-name annotation', async () => {
    await clients.core.createNamespacedConfigMap({
      namespace: clients.namespace,
      body: {
        metadata: {
          name: 'forged',
          labels: { [LABELS.owner]: ownerLabelValue('alice') },
          annotations: { [ANNOTATIONS.ownerName]: 'mallory' },
        },
        data: { v: 'forged' },
      },
    });
    expect(names(await service.list(alice))).toEqual(['a1', 'a2']);
    await expect(service.get(alice, 'forged')).rejects.toBeInstanceOf(NotFound);
    await expect(service.delete(alice, 'forged')).rejects.toBeInstanceOf(NotFound);
    expect((await read('forged')).data).toEqual({ v: 'forged' });
    expect(names(await service.list(admin))).toContain('forged');
  });

  it('round-trips a user name that needs escaping through the slug label and raw annotation', async () => {
    const smith = { name: 'Alice.Smith@example.com', isAdmin: false };
    const slug = ownerLabelValue(smith.name);
    expect(slug).toMatch(/^alice-smith-example-com---[0-9a-f]{8}$/);
    await service.create(smith, configMap('smith', { v: 's' }));

    const stored = await read('smith');
    expect(stored.metadata?.labels?.[LABELS.owner]).toBe(slug);
    expect(stored.metadata?.annotations?.[ANNOTATIONS.ownerName]).toBe('Alice.Smith@example.com');
    expect(stored.metadata).toMatchObject(ownerMetadata(smith.name));

    expect(names(await service.list(smith))).toEqual(['smith']);
    expect((await service.get(smith, 'smith')).data).toEqual({ v: 's' });
    // A different name with a similar slug does not match.
    const lower = { name: 'alice.smith@example.com', isAdmin: false };
    expect(names(await service.list(lower))).toEqual([]);
    await expect(service.get(lower, 'smith')).rejects.toBeInstanceOf(NotFound);
    await expect(service.get(alice, 'smith')).rejects.toBeInstanceOf(NotFound);
  });
});
