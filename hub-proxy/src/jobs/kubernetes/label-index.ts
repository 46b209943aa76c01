import type { KubernetesObject } from '@kubernetes/client-node';
import type { InformerCache } from '../../k8s/index.js';

/** Index of the first name in ascending `names` that is greater than `after` (or `>=` when `inclusive`). */
function firstAfter(names: readonly string[], after: string, inclusive = false): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const name = names[mid] as string;
    if (name < after || (!inclusive && name === after)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A set of object names that hands them out in ascending order. The order is
 * built on first read and then kept by binary insertion, so the initial sync
 * (thousands of adds, nobody reading) costs no sorting at all.
 */
class SortedNames {
  private readonly names = new Set<string>();
  private sorted: string[] | undefined;

  get size(): number {
    return this.names.size;
  }

  add(name: string): void {
    if (this.names.has(name)) return;
    this.names.add(name);
    this.sorted?.splice(firstAfter(this.sorted, name, true), 0, name);
  }

  delete(name: string): void {
    if (!this.names.delete(name) || !this.sorted) return;
    const at = firstAfter(this.sorted, name, true);
    if (this.sorted[at] === name) this.sorted.splice(at, 1);
  }

  /** Every name, ascending (plain code-unit order, as the API server sorts object names). */
  ascending(): readonly string[] {
    this.sorted ??= [...this.names].sort();
    return this.sorted;
  }
}

/**
 * The names of an {@link InformerCache}'s objects grouped by the value of one
 * label, kept in step with the cache from its add/update/delete events, so
 * "the objects labelled `label=value`" costs what it returns instead of a scan
 * of the whole cache (10,000 NotebookJobs, 50,000 run Jobs at scale). The
 * cache watches one namespace, so names are unique. Objects without the
 * label are in {@link all} only.
 *
 * Listeners run synchronously inside the cache's update, so the index never
 * lags the cache. Construct it before the cache starts (it also takes in
 * whatever the cache holds already).
 */
export class LabelIndex<T extends KubernetesObject> {
  private readonly byValue = new Map<string, SortedNames>();
  private readonly valueOf = new Map<string, string>();
  private readonly everyName = new SortedNames();

  constructor(
    private readonly cache: InformerCache<T>,
    private readonly label: string,
  ) {
    for (const object of cache.list()) this.put(object);
    cache.on('add', (object) => this.put(object));
    cache.on('update', (object) => this.put(object));
    cache.on('delete', (object) => this.drop(object.metadata?.name));
  }

  /** True while the cache is synced (the index then answers for the cluster). */
  get synced(): boolean {
    return this.cache.synced;
  }

  /** Cached objects labelled `label=value`, in name order. */
  objects(value: string): T[] {
    return [...this.after(value, undefined)];
  }

  /**
   * Cached objects in ascending name order, after the name `after` (from the
   * start when undefined): those labelled `label=value`, or every object when
   * `value` is undefined. Lazy, so a page reads only what it returns.
   */
  *after(value: string | undefined, after: string | undefined): Generator<T> {
    const names = value === undefined ? this.everyName : this.byValue.get(value);
    if (!names) return;
    const sorted = names.ascending();
    for (let i = after === undefined ? 0 : firstAfter(sorted, after); i < sorted.length; i++) {
      const object = this.cache.get(sorted[i] as string);
      if (object) yield object;
    }
  }

  /**
   * Resolves once the cache holds `name` with `uid` (`uid` undefined: holds
   * no `name`), or after `timeoutMs`, whichever comes first; never rejects.
   */
  observed(name: string, uid: string | undefined, timeoutMs: number): Promise<void> {
    const done = () => this.cache.get(name)?.metadata?.uid === uid;
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        for (const off of offs) off();
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const offs = (['add', 'update', 'delete'] as const).map((event) => this.cache.on(event, check));
      const timer = setTimeout(finish, timeoutMs);
    });
  }

  /** Number of objects labelled `label=value`. */
  count(value: string): number {
    return this.byValue.get(value)?.size ?? 0;
  }

  private put(object: T): void {
    const name = object.metadata?.name;
    if (!name) return;
    const value = object.metadata?.labels?.[this.label];
    const before = this.valueOf.get(name);
    this.everyName.add(name);
    if (before === value) return;
    if (before !== undefined) this.removeFrom(before, name);
    if (value === undefined) {
      this.valueOf.delete(name);
      return;
    }
    this.valueOf.set(name, value);
    let names = this.byValue.get(value);
    if (!names) this.byValue.set(value, (names = new SortedNames()));
    names.add(name);
  }

  private drop(name: string | undefined): void {
    if (!name) return;
    this.everyName.delete(name);
    const value = this.valueOf.get(name);
    if (value === undefined) return;
    this.valueOf.delete(name);
    this.removeFrom(value, name);
  }

  private removeFrom(value: string, name: string): void {
    const names = this.byValue.get(value);
    names?.delete(name);
    // Users and jobs come and go: drop empty groups so the map stays as small as the cluster.
    if (names?.size === 0) this.byValue.delete(value);
  }
}
