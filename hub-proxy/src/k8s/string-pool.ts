/**
 * Shares equal strings between cached objects. Each JSON object the
 * apiserver sends is parsed into its own strings, so 50,000 run Jobs hold
 * 50,000 copies of the same label values, owner references and condition
 * messages. {@link StringPool.intern} returns the pool's copy of an equal
 * string, so the copies can be collected.
 *
 * The pool is bounded: when it reaches `maxEntries` it starts over, which
 * only costs sharing (strings already handed out stay valid), never
 * correctness, and keeps a long-running process from growing it forever
 * with values of objects long deleted.
 */
export class StringPool {
  private readonly pool = new Map<string, string>();

  /** `maxEntries`: distinct strings kept before the pool starts over (default 100,000). */
  constructor(private readonly maxEntries = 100_000) {}

  /** Distinct strings in the pool. */
  get size(): number {
    return this.pool.size;
  }

  /** The pool's string equal to `value` (adding `value` if there is none). */
  intern(value: string): string {
    const shared = this.pool.get(value);
    if (shared !== undefined) return shared;
    if (this.pool.size >= this.maxEntries) this.pool.clear();
    this.pool.set(value, value);
    return value;
  }

  /** `record` with every value interned, in place; returns it. */
  internValues<R extends Record<string, string>>(record: R | undefined): R | undefined {
    if (!record) return record;
    for (const key of Object.keys(record))
      (record as Record<string, string>)[key] = this.intern(record[key] as string);
    return record;
  }
}
