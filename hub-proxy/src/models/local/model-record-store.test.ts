import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Conflict, InvalidInput, NotFound } from '../../errors/index.js';
import type { ModelSpec, ModelStatus } from '../model.js';
import { LocalModelRecordStore } from './model-record-store.js';

const PENDING: ModelStatus = { phase: 'Pending', replicas: 1, readyReplicas: 0, servingVersions: [] };

function spec(name: string, owner = 'alice'): ModelSpec {
  return {
    name,
    owner,
    runtime: { kind: 'mlserver', version: '1.7.1', gpu: false },
    format: 'xgboost',
    replicas: { min: 1, max: 1 },
    resources: { cpu: '1', memory: '1Gi', gpu: 0 },
    access: { users: [], groups: [], apiKeys: false },
    apiKeys: [],
    versions: [],
    disabled: false,
  };
}

let dir: string;
let store: LocalModelRecordStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-records-'));
  store = new LocalModelRecordStore(join(dir, 'records'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LocalModelRecordStore', () => {
  it('creates a record with a resourceVersion and a uid, and reads it back', async () => {
    const created = await store.create(spec('ctr'), PENDING);
    expect(created.resourceVersion).toMatch(/^\d+$/);
    expect(created.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.get('ctr')).toEqual(created);
    expect((await store.list()).map((r) => r.spec.name)).toEqual(['ctr']);
  });

  it('refuses to create a name that exists', async () => {
    await store.create(spec('ctr'), PENDING);
    await expect(store.create(spec('ctr', 'bob'), PENDING)).rejects.toBeInstanceOf(Conflict);
    expect((await store.get('ctr'))?.spec.owner).toBe('alice');
  });

  it('refuses names that are not safe file names', async () => {
    await expect(store.create(spec('../etc'), PENDING)).rejects.toBeInstanceOf(InvalidInput);
    expect(await store.get('../etc')).toBeUndefined();
  });

  it('updates with the current resourceVersion and refuses a stale one with Conflict', async () => {
    const created = await store.create(spec('ctr'), PENDING);
    const updated = await store.update({ ...spec('ctr'), disabled: true }, created.resourceVersion);
    expect(updated.spec.disabled).toBe(true);
    expect(updated.resourceVersion).not.toBe(created.resourceVersion);
    await expect(store.update(spec('ctr'), created.resourceVersion)).rejects.toBeInstanceOf(Conflict);
    expect((await store.get('ctr'))?.spec.disabled).toBe(true);
  });

  it('answers NotFound when updating a model that is not there', async () => {
    await expect(store.update(spec('nope'), '1')).rejects.toBeInstanceOf(NotFound);
  });

  it('changes the resourceVersion on a status write, so an update read before it is stale', async () => {
    const created = await store.create(spec('ctr'), PENDING);
    const ready: ModelStatus = { phase: 'Ready', replicas: 1, readyReplicas: 1, servingVersions: [1] };
    const written = await store.setStatus('ctr', ready);
    expect(written?.status).toMatchObject(ready);
    expect(written?.status.updatedAt).toBeDefined();
    await expect(store.update(spec('ctr'), created.resourceVersion)).rejects.toBeInstanceOf(Conflict);
  });

  it('leaves the record alone when the status is unchanged', async () => {
    const created = await store.create(spec('ctr'), PENDING);
    const again = await store.setStatus('ctr', { ...PENDING });
    expect(again?.resourceVersion).toBe(created.resourceVersion);
  });

  it('never reuses a resourceVersion when a model is deleted and created again', async () => {
    const first = await store.create(spec('ctr'), PENDING);
    expect(await store.delete('ctr')).toBe(true);
    const second = await store.create(spec('ctr'), PENDING);
    expect(second.resourceVersion).not.toBe(first.resourceVersion);
    expect(second.uid).not.toBe(first.uid);
    await expect(store.update(spec('ctr'), first.resourceVersion)).rejects.toBeInstanceOf(Conflict);
  });

  it('serialises concurrent creates of one name: exactly one wins', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => store.create(spec('ctr', `user${i}`), PENDING)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await readdir(join(dir, 'records'))).toEqual(['ctr.json']);
  });

  it('deletes, and reports an absent record as not deleted', async () => {
    await store.create(spec('ctr'), PENDING);
    expect(await store.delete('ctr')).toBe(true);
    expect(await store.delete('ctr')).toBe(false);
    expect(await store.get('ctr')).toBeUndefined();
    expect(await store.setStatus('ctr', PENDING)).toBeUndefined();
  });
});
