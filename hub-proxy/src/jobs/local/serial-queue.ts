/**
 * Runs async tasks one at a time, in call order. The local stores use it so
 * a read-check-write (create, replace, claim) is never interleaved with
 * another one in the same process.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it; resolves or rejects with it. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
