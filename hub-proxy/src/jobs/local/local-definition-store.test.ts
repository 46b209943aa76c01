import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownerMetadata } from '../../ownership/ownership.js';
import { Conflict, InvalidInput, NotFound } from '../../errors/index.js';
import { NOTEBOOK_JOB_API_VERSION, NOTEBOOK_JOB_KIND, type NotebookJob } from '../model.js';
import { KubeConflictError, KubeNotFoundError } from '../../k8s/errors.js';
import { OwnedObjects } from '../../ownership/owned-objects.js';
import { LocalDefinitionStore } from './local-definition-store.js';

function job(name: string, owner = 'alice', extraLabels: Record<string, string> = {}): NotebookJob {
  const stamp = ownerMetadata(owner);
  return {
    apiVersion: NOTEBOOK_JOB_API_VERSION,
    kind: NOTEBOOK_JOB_KIND,
    metadata: { name, labels: { ...stamp.labels, ...extraLabels }, annotations: stamp.annotations },
    spec: {
      jobName: name,
      notebook: {
        path: 'a.ipynb',
        inputKey: 'k',
        digest: 'd',
        sizeBytes: 1,
        updatedAt: '',
        kernel: 'python3',
      },
      environment: 'e',
      image: 'i',
      resources: { cpu: '1', memory: '1Gi', gpus: 0 },
      parameters: {},
      suspend: false,
      retries: 0,
      timeoutSeconds: 60,
      concurrency: 'forbid',
      dependsOn: [],
      alerts: [],
      outputs: ['ipynb'],
      historyLimit: 5,
    },
  };
}

describe('LocalDefinitionStore', () => {
  let dir: string;
  let store: LocalDefinitionStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'definitions-'));
    store = new LocalDefinitionStore(join(dir, 'notebookjobs'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stamps uid, resourceVersion 1, generation 1 and a creation time on create, and reads it back', async () => {
    const created = await store.create(job('a'));
    expect(created.metadata).toMatchObject({ name: 'a', resourceVersion: '1', generation: 1 });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(created.metadata.creationTimestamp ?? '')).not.toBeNaN();
    expect(await store.get('a')).toEqual(created);
    expect(await readdir(join(dir, 'notebookjobs'))).toEqual(['a.json']);
  });

  it('refuses to create a name that exists with KubeConflictError already-exists', async () => {
    await store.create(job('a'));
    await expect(store.create(job('a'))).rejects.toMatchObject({
      name: 'KubeConflictError',
      kind: 'already-exists',
    });
  });

  it('lets exactly one of two concurrent creates of the same name win', async () => {
    const results = await Promise.allSettled([store.create(job('a')), store.create(job('a'))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('throws KubeNotFoundError for a missing object on get, replace and delete', async () => {
    await expect(store.get('nope')).rejects.toBeInstanceOf(KubeNotFoundError);
    await expect(store.replace(job('nope'))).rejects.toBeInstanceOf(KubeNotFoundError);
    await expect(store.delete('nope')).rejects.toBeInstanceOf(KubeNotFoundError);
  });

  it('bumps resourceVersion on every replace and generation only when the spec changes', async () => {
    const created = await store.create(job('a'));
    const relabelled = await store.replace({
      ...created,
      metadata: { ...created.metadata, labels: { ...created.metadata.labels, x: 'y' } },
    });
    expect(relabelled.metadata).toMatchObject({
      resourceVersion: '2',
      generation: 1,
      uid: created.metadata.uid,
    });
    const respecced = await store.replace({ ...relabelled, spec: { ...relabelled.spec, retries: 2 } });
    expect(respecced.metadata).toMatchObject({ resourceVersion: '3', generation: 2 });
    expect(respecced.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
    expect((await store.get('a')).spec.retries).toBe(2);
  });

  it('rejects a replace carrying a stale resourceVersion with KubeConflictError conflict', async () => {
    const created = await store.create(job('a'));
    await store.replace({ ...created, spec: { ...created.spec, retries: 1 } });
    await expect(store.replace({ ...created, spec: { ...created.spec, retries: 5 } })).rejects.toMatchObject({
      name: 'KubeConflictError',
      kind: 'conflict',
    });
    expect((await store.get('a')).spec.retries).toBe(1);
  });

  it('deletes only when the uid and resourceVersion preconditions hold', async () => {
    const created = await store.create(job('a'));
    await expect(store.delete('a', { uid: 'other' })).rejects.toBeInstanceOf(KubeConflictError);
    await expect(store.delete('a', { resourceVersion: '7' })).rejects.toBeInstanceOf(KubeConflictError);
    await store.delete('a', { uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion });
    await expect(store.get('a')).rejects.toBeInstanceOf(KubeNotFoundError);
  });

  it('lists by label selector, sorted by name, in pages with a continue token', async () => {
    for (const name of ['c', 'a', 'd', 'b']) await store.create(job(name, name === 'd' ? 'bob' : 'alice'));
    const mine = await store.list({ labelSelector: 'turing.dev/owner=alice' });
    expect(mine.items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
    const first = await store.list({ limit: 2 });
    expect(first.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    const second = await store.list({ limit: 2, continue: first.continue });
    expect(second.items.map((o) => o.metadata.name)).toEqual(['c', 'd']);
    expect(second.continue).toBeUndefined();
  });

  it('rejects an invalid name with KubeInvalidError and an invalid selector with bad-request', async () => {
    await expect(store.create(job('../escape'))).rejects.toMatchObject({ name: 'KubeInvalidError' });
    await expect(store.list({ labelSelector: 'a in b' })).rejects.toMatchObject({ kind: 'bad-request' });
  });

  it('works under OwnedObjects unchanged: ownership, 404s, 409s and stale writes', async () => {
    const objects = new OwnedObjects<NotebookJob>(store, 'Job');
    const alice = { name: 'alice', isAdmin: false };
    const bob = { name: 'bob', isAdmin: false };
    await objects.create(alice, job('a'));
    await expect(objects.create(alice, job('a'))).rejects.toBeInstanceOf(Conflict);
    await expect(objects.get(bob, 'a')).rejects.toBeInstanceOf(NotFound);
    expect((await objects.list(bob)).items).toEqual([]);
    const updated = await objects.update(alice, 'a', (draft) => void (draft.spec.retries = 3));
    expect(updated.spec.retries).toBe(3);
    await expect(objects.list(alice, { continue: '!!' })).rejects.toBeInstanceOf(InvalidInput);
    await objects.delete(alice, 'a');
    await expect(objects.get(alice, 'a')).rejects.toBeInstanceOf(NotFound);
  });
});
