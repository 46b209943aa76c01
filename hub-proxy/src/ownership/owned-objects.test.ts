import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ownerMetadata } from './ownership.js';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors/index.js';
import { toHttpError } from '../http/error-mapping.js';
import {
  KubeConflictError,
  KubeError,
  KubeNotFoundError,
  matchesLabels,
  parseLabelSelector,
} from '../k8s/index.js';
import { ANNOTATIONS, LABELS } from './labels.js';
import {
  OwnedObjects,
  type OwnedObject,
  type OwnedObjectIndex,
  type OwnedObjectStore,
  type StorePage,
} from './owned-objects.js';

type Obj = OwnedObject & { data?: Record<string, string>; status?: Record<string, string> };

/** An in-memory double of OwnedObjectStore with the API server's create/replace/delete preconditions. */
class MemoryStore implements OwnedObjectStore<Obj> {
  readonly objects = new Map<string, Obj>();
  readonly calls: string[] = [];
  private version = 0;
  listError: unknown;

  seed(name: string, owner: string, extra: Partial<Obj> = {}): Obj {
    const object = { metadata: { name, ...ownerMetadata(owner) }, data: {}, ...extra };
    this.objects.set(name, this.stamp(object));
    return this.snapshot(name);
  }
  snapshot(name: string): Obj {
    return structuredClone(this.objects.get(name) as Obj);
  }
  private stamp(o: Obj): Obj {
    const copy = structuredClone(o);
    copy.metadata = {
      ...copy.metadata,
      uid: `uid-${copy.metadata?.name}`,
      resourceVersion: String(++this.version),
    };
    return copy;
  }

  async list(options: {
    labelSelector?: string;
    limit?: number;
    continue?: string;
  }): Promise<StorePage<Obj>> {
    this.calls.push(
      `list ${options.labelSelector ?? '*'} ${options.limit ?? '-'} ${options.continue ?? '-'}`,
    );
    if (this.listError) throw this.listError;
    const all = [...this.objects.values()]
      .filter(
        (o) =>
          !options.labelSelector ||
          matchesLabels(parseLabelSelector(options.labelSelector), o.metadata?.labels),
      )
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    const start = Number(options.continue ?? 0);
    const end = options.limit ? start + options.limit : all.length;
    const page: StorePage<Obj> = { items: structuredClone(all.slice(start, end)) };
    if (end < all.length) page.continue = String(end);
    return page;
  }
  async get(name: string): Promise<Obj> {
    this.calls.push(`get ${name}`);
    if (!this.objects.has(name)) throw new KubeNotFoundError('not-found', 404, `${name} not found`);
    return this.snapshot(name);
  }
  async create(object: Obj): Promise<Obj> {
    const name = object.metadata?.name ?? '';
    this.calls.push(`create ${name}`);
    if (this.objects.has(name)) throw new KubeConflictError('already-exists', 409, 'exists');
    this.objects.set(name, this.stamp(object));
    return this.snapshot(name);
  }
  async replace(object: Obj): Promise<Obj> {
    const name = object.metadata?.name ?? '';
    this.calls.push(`replace ${name}`);
    const current = this.objects.get(name);
    if (!current) throw new KubeNotFoundError('not-found', 404, 'gone');
    if (object.metadata?.resourceVersion !== current.metadata?.resourceVersion) {
      throw new KubeConflictError('conflict', 409, 'stale');
    }
    this.objects.set(name, this.stamp(object));
    return this.snapshot(name);
  }
  async delete(name: string, pre: { uid?: string; resourceVersion?: string } = {}): Promise<void> {
    this.calls.push(`delete ${name}`);
    const current = this.objects.get(name);
    if (!current) throw new KubeNotFoundError('not-found', 404, 'gone');
    if (pre.resourceVersion && pre.resourceVersion !== current.metadata?.resourceVersion) {
      throw new KubeConflictError('conflict', 409, 'precondition failed');
    }
    this.objects.delete(name);
  }
  writes(): string[] {
    return this.calls.filter((c) => /^(create|replace|delete)/.test(c));
  }
}

/**
 * Makes every `store.get` (or only the first) land `change` on the object
 * right after the read, as another writer would between a check and a write.
 */
function writeAfterRead(store: MemoryStore, change: (current: Obj, n: number) => Obj, every = false): void {
  const realGet = store.get.bind(store);
  let n = 0;
  vi.spyOn(store, 'get').mockImplementation(async (name) => {
    const read = await realGet(name);
    if (every || n === 0) await store.replace(change(store.snapshot(name), ++n));
    return read;
  });
}

const alice = { name: 'alice', isAdmin: false };
const bob = { name: 'bob', isAdmin: false };
const admin = { name: 'root', isAdmin: true };
const names = (page: { items: Obj[] }) => page.items.map((o) => o.metadata?.name);

describe('OwnedObjects', () => {
  let store: MemoryStore;
  let service: OwnedObjects<Obj>;
  beforeEach(() => {
    store = new MemoryStore();
    service = new OwnedObjects(store, 'Thing');
    store.seed('a1', 'alice');
    store.seed('a2', 'alice');
    store.seed('b1', 'bob', { data: { v: 'bob' } });
    // Alice's slug, someone else's name: not Alice's.
    store.seed('fake', 'mallory', { metadata: { name: 'fake', ...ownerMetadata('mallory') } });
    const fake = store.objects.get('fake') as Obj;
    fake.metadata = { ...fake.metadata, labels: { [LABELS.owner]: 'alice' } };
  });

  describe('list', () => {
    it('gives a non-admin only their own, using a server-side owner selector', async () => {
      expect(names(await service.list(alice))).toEqual(['a1', 'a2']);
      expect(store.calls).toEqual([`list ${LABELS.owner}=alice - -`]);
      expect(names(await service.list(bob))).toEqual(['b1']);
    });

    it('gives an admin everything, or one owner on request', async () => {
      expect(names(await service.list(admin))).toEqual(['a1', 'a2', 'b1', 'fake']);
      expect(store.calls).toEqual(['list * - -']);
      expect(names(await service.list(admin, { owner: 'alice' }))).toEqual(['a1', 'a2']);
      expect(names(await service.list(admin, { owner: 'mallory' }))).toEqual([]);
    });

    it('refuses a non-admin asking for another owner, allows their own name', async () => {
      await expect(service.list(alice, { owner: 'bob' })).rejects.toBeInstanceOf(Forbidden);
      expect(names(await service.list(alice, { owner: 'alice' }))).toEqual(['a1', 'a2']);
    });

    it('passes limit and continue through and returns the next cursor', async () => {
      const first = await service.list(admin, { limit: 2 });
      expect(first).toMatchObject({ continue: '2' });
      expect(names(first)).toEqual(['a1', 'a2']);
      const second = await service.list(admin, { limit: 2, continue: first.continue });
      expect(names(second)).toEqual(['b1', 'fake']);
      expect(second.continue).toBeUndefined();
    });

    it('turns an expired cursor into a validation error on query.continue', async () => {
      store.listError = new KubeError('gone', 410, 'expired');
      const err = await service.list(alice, { continue: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInput);
      expect(toHttpError(err).status).toBe(400);
      expect((err as InvalidInput).errors[0]?.field).toBe('query.continue');
    });
  });

  describe('get', () => {
    it('returns own objects and, to admins, anyone’s', async () => {
      expect((await service.get(alice, 'a1')).metadata?.name).toBe('a1');
      expect((await service.get(admin, 'b1')).data).toEqual({ v: 'bob' });
    });

    it('reports someone else’s object exactly like a missing one', async () => {
      const foreign = await service.get(alice, 'b1').catch((e: unknown) => e);
      const missing = await service.get(alice, 'nope').catch((e: unknown) => e);
      expect(foreign).toBeInstanceOf(NotFound);
      expect(missing).toBeInstanceOf(NotFound);
      expect(toHttpError(foreign)).toMatchObject({ status: 404, detail: 'Thing "b1" not found.' });
      expect(toHttpError(missing)).toMatchObject({ status: 404, detail: 'Thing "nope" not found.' });
      await expect(service.get(alice, 'fake')).rejects.toBeInstanceOf(NotFound);
    });
  });

  describe('create', () => {
    it('stamps the owner label and annotation, keeping the caller’s other metadata', async () => {
      const made = await service.create(bob, { metadata: { name: 'b2', labels: { app: 'x' } } });
      expect(made.metadata?.labels).toEqual({ app: 'x', [LABELS.owner]: 'bob' });
      expect(made.metadata?.annotations).toEqual({ [ANNOTATIONS.ownerName]: 'bob' });
      // Naming oneself explicitly is fine.
      await service.create(bob, { metadata: { name: 'b3', ...ownerMetadata('bob') } });
      expect(names(await service.list(bob))).toEqual(['b1', 'b2', 'b3']);
    });

    it('refuses another owner, admins included, and writes nothing', async () => {
      const asBob = { metadata: { name: 'x', labels: { [LABELS.owner]: 'bob' } } };
      await expect(service.create(alice, asBob)).rejects.toBeInstanceOf(Forbidden);
      const asBobByName = { metadata: { name: 'y', annotations: { [ANNOTATIONS.ownerName]: 'bob' } } };
      await expect(service.create(admin, asBobByName)).rejects.toBeInstanceOf(Forbidden);
      expect(store.writes()).toEqual([]);
    });

    it('reports a taken name as Conflict (and leaves the existing object alone)', async () => {
      const before = store.snapshot('b1');
      await expect(service.create(alice, { metadata: { name: 'b1' } })).rejects.toBeInstanceOf(Conflict);
      expect(store.snapshot('b1')).toEqual(before);
    });
  });

  describe('update', () => {
    it('lets the owner change their object, pinned to the version read', async () => {
      const before = store.snapshot('a1');
      const after = await service.update(alice, 'a1', (d) => {
        d.data = { v: '2' };
      });
      expect(after.data).toEqual({ v: '2' });
      expect(after.metadata?.resourceVersion).not.toBe(before.metadata?.resourceVersion);
    });

    it('hides someone else’s object: NotFound, mutator not called, nothing written', async () => {
      const before = store.snapshot('b1');
      const mutate = vi.fn();
      await expect(service.update(alice, 'b1', mutate)).rejects.toBeInstanceOf(NotFound);
      expect(mutate).not.toHaveBeenCalled();
      expect(store.writes()).toEqual([]);
      expect(store.snapshot('b1')).toEqual(before);
    });

    it('lets an admin change anyone’s object without taking it over', async () => {
      const after = await service.update(admin, 'b1', (d) => void (d.data = { v: 'admin' }));
      expect(after.data).toEqual({ v: 'admin' });
      expect(after.metadata?.labels?.[LABELS.owner]).toBe('bob');
      expect(after.metadata?.annotations?.[ANNOTATIONS.ownerName]).toBe('bob');
    });

    it('refuses an ownership change and ignores a changed resourceVersion', async () => {
      const steal = (d: Obj) => {
        d.metadata = { ...d.metadata, ...ownerMetadata('alice') };
      };
      await expect(service.update(admin, 'b1', steal)).rejects.toBeInstanceOf(Forbidden);
      expect(store.writes()).toEqual([]);
      const ok = await service.update(alice, 'a1', (d) => {
        d.metadata = { ...d.metadata, resourceVersion: '999' };
      });
      expect(ok.metadata?.name).toBe('a1');
    });

    it('turns a concurrent change into Conflict', async () => {
      const err = await service
        .update(alice, 'a1', async (d) => {
          await service.update(alice, 'a1', (inner) => void (inner.data = { v: 'first' }));
          d.data = { v: 'second' };
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Conflict);
      expect(store.snapshot('a1').data).toEqual({ v: 'first' });
    });

    it('writes the edit again on the new version when only a status write came between', async () => {
      // A controller's status write, landing after the read.
      writeAfterRead(store, (current) => ({ ...current, status: { phase: 'Ready' } }));
      const updated = await service.update(alice, 'a1', (d) => void (d.data = { v: 'edited' }));
      expect(updated.data).toEqual({ v: 'edited' });
      expect(store.snapshot('a1')).toMatchObject({ data: { v: 'edited' }, status: { phase: 'Ready' } });
      expect(store.writes().filter((w) => w === 'replace a1')).toHaveLength(3);
    });

    it('gives up with Conflict when status writes keep coming, leaving the object as they wrote it', async () => {
      const seeded = store.snapshot('a1').data;
      let writes = 0;
      writeAfterRead(store, (current, n) => ({ ...current, status: { phase: `p${(writes = n)}` } }), true);
      const err = await service
        .update(alice, 'a1', (d) => void (d.data = { v: 'edited' }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Conflict);
      expect(store.snapshot('a1').data).toEqual(seeded);
      expect(store.snapshot('a1').status).toEqual({ phase: `p${writes}` });
    });
  });

  describe('delete', () => {
    it('hides someone else’s object and deletes nothing', async () => {
      await expect(service.delete(alice, 'b1')).rejects.toBeInstanceOf(NotFound);
      await expect(service.delete(alice, 'fake')).rejects.toBeInstanceOf(NotFound);
      expect(store.writes()).toEqual([]);
      expect(store.objects.has('b1')).toBe(true);
    });

    it('lets the owner and admins delete', async () => {
      await service.delete(alice, 'a1');
      await service.delete(admin, 'b1');
      expect([...store.objects.keys()]).toEqual(['a2', 'fake']);
      await expect(service.delete(alice, 'a1')).rejects.toBeInstanceOf(NotFound);
    });

    it('reads and checks again when another write lands between the check and the delete', async () => {
      writeAfterRead(store, (current) => ({ ...current, data: { v: 'status' } }));
      await service.delete(alice, 'a1');
      expect(store.objects.has('a1')).toBe(false);
    });

    it('maps a precondition that keeps failing to Conflict and deletes nothing', async () => {
      writeAfterRead(store, (current) => ({ ...current, data: { v: 'changed' } }), true);
      await expect(service.delete(alice, 'a1')).rejects.toBeInstanceOf(Conflict);
      expect(store.objects.has('a1')).toBe(true);
    });
  });

  it('lets errors that are not Kubernetes errors through unchanged', async () => {
    const boom = new Error('boom');
    vi.spyOn(store, 'get').mockRejectedValue(boom);
    await expect(service.get(admin, 'a1')).rejects.toBe(boom);
  });
});

/** An OwnedObjectIndex over the store's own map (as an informer cache mirrors the API server). */
class MemoryIndex implements OwnedObjectIndex<Obj> {
  isReady = true;
  reads = 0;
  constructor(private readonly store: MemoryStore) {}
  ready(): boolean {
    return this.isReady;
  }
  *after(ownerLabel: string | undefined, after: string | undefined): Iterable<Obj> {
    const sorted = [...this.store.objects.values()].sort((a, b) =>
      (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1,
    );
    for (const object of sorted) {
      const name = object.metadata?.name ?? '';
      if (after !== undefined && name <= after) continue;
      if (ownerLabel !== undefined && object.metadata?.labels?.[LABELS.owner] !== ownerLabel) continue;
      this.reads++;
      yield object;
    }
  }
}

describe('OwnedObjects over an index', () => {
  let store: MemoryStore;
  let index: MemoryIndex;
  let service: OwnedObjects<Obj>;
  beforeEach(() => {
    store = new MemoryStore();
    index = new MemoryIndex(store);
    service = new OwnedObjects(store, 'Thing', index);
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) store.seed(name, 'alice');
    store.seed('b1', 'bob');
    // Alice's slug, someone else's name: never Alice's.
    store.seed('a25', 'mallory');
    const fake = store.objects.get('a25') as Obj;
    fake.metadata = { ...fake.metadata, labels: { [LABELS.owner]: 'alice' } };
  });

  it('lists from the index without calling the store, full pages in name order', async () => {
    const first = await service.list(alice, { limit: 2 });
    expect(names(first)).toEqual(['a1', 'a2']);
    const second = await service.list(alice, { limit: 2, continue: first.continue });
    // a25 carries Alice's label but not her name: skipped, and the page is still full.
    expect(names(second)).toEqual(['a3', 'a4']);
    const third = await service.list(alice, { limit: 2, continue: second.continue });
    expect(names(third)).toEqual(['a5']);
    expect(third.continue).toBeUndefined();
    expect(store.calls).toEqual([]);
  });

  it('pages an admin through everyone, and one owner on request', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.list(admin, { limit: 3, ...(cursor ? { continue: cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...names(page).map(String));
      cursor = page.continue;
    } while (cursor);
    expect(seen).toEqual(['a1', 'a2', 'a25', 'a3', 'a4', 'a5', 'b1']);
    expect(names(await service.list(admin, { owner: 'bob' }))).toEqual(['b1']);
    expect(store.calls).toEqual([]);
  });

  it('continues after the last name: objects created or deleted between pages never make others repeat or go missing', async () => {
    const first = await service.list(alice, { limit: 2 });
    await store.delete('a2');
    await store.delete('a3');
    store.seed('a0', 'alice'); // before the cursor: not on later pages
    store.seed('a35', 'alice');
    const rest = await service.list(alice, { limit: 10, continue: first.continue });
    expect(names(rest)).toEqual(['a35', 'a4', 'a5']);
  });

  it('reads one object past a page, not the whole listing', async () => {
    for (let i = 0; i < 200; i++) store.seed(`z${String(i).padStart(3, '0')}`, 'alice');
    await service.list(alice, { limit: 2 });
    // a1 and a2, a25 skipped (not Alice's), and a3 to know that more follow.
    expect(index.reads).toBe(4);
  });

  it('asks the store while the index is not ready, and honours either cursor across the switch', async () => {
    index.isReady = false;
    const first = await service.list(alice, { limit: 2 });
    expect(names(first)).toEqual(['a1', 'a2']);
    expect(store.calls).toEqual([`list ${LABELS.owner}=alice 2 -`]);
    // The store's own token, once the index is ready again, still goes to the store.
    index.isReady = true;
    const second = await service.list(alice, { limit: 2, continue: first.continue });
    // The store's page holds a25 and a3; a25 is not Alice's, so this page is short.
    expect(names(second)).toEqual(['a3']);
    expect(store.calls.at(-1)).toBe(`list ${LABELS.owner}=alice 2 ${first.continue}`);
    // A position cursor from the index reaching the store (cache lost its watch) is found by reading it all.
    const fromIndex = await service.list(alice, { limit: 2 });
    index.isReady = false;
    const after = await service.list(alice, { limit: 2, continue: fromIndex.continue });
    expect(names(after)).toEqual(['a3', 'a4']);
    expect(after.continue).toBeDefined();
  });

  it('still refuses a non-admin asking for another owner', async () => {
    await expect(service.list(alice, { owner: 'bob' })).rejects.toBeInstanceOf(Forbidden);
  });
});
