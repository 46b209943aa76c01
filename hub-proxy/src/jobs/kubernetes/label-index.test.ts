import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { InformerCache, InformerEventType } from '../../k8s/index.js';
import { LabelIndex } from './label-index.js';

/** The part of InformerCache the index uses, fed by hand (events as the real cache emits them). */
class FakeCache {
  synced = true;
  readonly objects = new Map<string, KubernetesObject>();
  private readonly listeners = new Map<InformerEventType, Set<(o: KubernetesObject) => void>>();

  get(name: string): KubernetesObject | undefined {
    return this.objects.get(name);
  }

  list(): KubernetesObject[] {
    return [...this.objects.values()];
  }

  on(event: InformerEventType, listener: (o: KubernetesObject) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  put(name: string, owner?: string, uid?: string): void {
    const labels: Record<string, string> = owner === undefined ? {} : { owner };
    const object: KubernetesObject = { metadata: { name, labels, ...(uid ? { uid } : {}) } };
    const event = this.objects.has(name) ? 'update' : 'add';
    this.objects.set(name, object);
    this.emit(event, object);
  }

  remove(name: string): void {
    const object = this.objects.get(name);
    if (!object) return;
    this.objects.delete(name);
    this.emit('delete', object);
  }

  asCache(): InformerCache<KubernetesObject> {
    return this as unknown as InformerCache<KubernetesObject>;
  }

  private emit(event: InformerEventType, object: KubernetesObject): void {
    for (const listener of this.listeners.get(event) ?? []) listener(object);
  }
}

const names = (objects: Iterable<KubernetesObject>) => [...objects].map((o) => o.metadata?.name);

describe('LabelIndex', () => {
  it('groups objects by label value in name order, taking in what the cache held before it', () => {
    const cache = new FakeCache();
    cache.put('b-1', 'bob');
    const index = new LabelIndex(cache.asCache(), 'owner');
    cache.put('a-2', 'alice');
    cache.put('a-1', 'alice');
    cache.put('x', undefined);
    expect(names(index.objects('alice'))).toEqual(['a-1', 'a-2']);
    expect(names(index.objects('bob'))).toEqual(['b-1']);
    expect(index.objects('nobody')).toEqual([]);
    expect(names(index.after(undefined, undefined))).toEqual(['a-1', 'a-2', 'b-1', 'x']);
    expect(index.count('alice')).toBe(2);
  });

  it('follows relabelling and deletion, and keeps the order as names arrive after a first read', () => {
    const cache = new FakeCache();
    const index = new LabelIndex(cache.asCache(), 'owner');
    for (const name of ['m', 'c', 'x']) cache.put(name, 'alice');
    expect(names(index.objects('alice'))).toEqual(['c', 'm', 'x']);
    cache.put('a', 'alice'); // inserted into the already sorted order
    cache.put('n', 'alice');
    cache.put('m', 'bob'); // moved
    cache.remove('x');
    expect(names(index.objects('alice'))).toEqual(['a', 'c', 'n']);
    expect(names(index.objects('bob'))).toEqual(['m']);
    expect(names(index.after(undefined, undefined))).toEqual(['a', 'c', 'm', 'n']);
    cache.remove('m');
    expect(index.count('bob')).toBe(0);
    expect(names(index.after(undefined, undefined))).toEqual(['a', 'c', 'n']);
  });

  it('pages strictly after a name, which need not exist any more', () => {
    const cache = new FakeCache();
    const index = new LabelIndex(cache.asCache(), 'owner');
    for (const name of ['a', 'b', 'd', 'e']) cache.put(name, 'alice');
    expect(names(index.after('alice', 'b'))).toEqual(['d', 'e']);
    expect(names(index.after('alice', 'c'))).toEqual(['d', 'e']);
    expect(names(index.after('alice', 'e'))).toEqual([]);
    expect(names(index.after(undefined, 'a'))).toEqual(['b', 'd', 'e']);
  });

  it('reads only as far as the caller iterates', () => {
    const cache = new FakeCache();
    const index = new LabelIndex(cache.asCache(), 'owner');
    for (let i = 0; i < 1000; i++) cache.put(`job-${String(i).padStart(4, '0')}`, 'alice');
    let reads = 0;
    const get = cache.get.bind(cache);
    cache.get = (name: string) => {
      reads++;
      return get(name);
    };
    const first: string[] = [];
    for (const object of index.after('alice', 'job-0499')) {
      first.push(object.metadata?.name ?? '');
      if (first.length === 3) break;
    }
    expect(first).toEqual(['job-0500', 'job-0501', 'job-0502']);
    expect(reads).toBe(3);
  });

  it('tells a writer when the cache shows its create or delete, or gives up after the timeout', async () => {
    const cache = new FakeCache();
    const index = new LabelIndex(cache.asCache(), 'owner');
    let seen = false;
    const created = index.observed('a', 'uid-a', 5000).then(() => (seen = true));
    cache.put('a', 'alice', 'uid-old'); // an older object of that name is not it
    await Promise.resolve();
    expect(seen).toBe(false);
    cache.put('a', 'alice', 'uid-a');
    await created;
    expect(seen).toBe(true);
    const deleted = index.observed('a', undefined, 5000);
    cache.remove('a');
    await deleted;
    const started = Date.now();
    await index.observed('never', 'uid-n', 30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});
