/**
 * Runs async sections one at a time per key, in arrival order, within this
 * process. The usage record of an owner is read, checked and rewritten in
 * such a section, so puts of one replica never race each other on it (and
 * never spin on the cross-replica lock or compare-and-swap).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `section` once every earlier section for `key` has settled. */
  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const tail = new Promise<void>((resolve) => (done = resolve));
    this.tails.set(key, tail);
    await previous;
    try {
      return await section();
    } finally {
      done();
      // The last waiter leaves no entry behind, so the map holds only busy keys.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
