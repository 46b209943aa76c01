/** Settings for {@link TtlCache}. */
export interface TtlCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Called after every size change (e.g. to update a gauge). */
  onSizeChange?: (size: number) => void;
}

/**
 * A small LRU-bounded cache whose entries expire `ttlMs` after they were
 * stored. A Map keeps insertion order, so re-inserting on read makes the
 * first key the least recently used.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    if (options.maxEntries < 1) throw new RangeError('maxEntries must be at least 1');
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live value for `key`, or undefined if absent or expired. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.changed();
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value`, evicting the least recently used entries beyond the bound. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.options.ttlMs <= 0) return this.changed();
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.changed();
  }

  delete(key: string): void {
    if (this.entries.delete(key)) this.changed();
  }

  clear(): void {
    this.entries.clear();
    this.changed();
  }

  private changed(): void {
    this.options.onSizeChange?.(this.entries.size);
  }
}
