import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackoffPolicy } from '../backoff.js';
import { WorkQueue } from './work-queue.js';

const policy: BackoffPolicy = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0.5 };

/** A queue whose jitter draws 0, so each delay is the policy's full step. */
const fullSteps = () => new WorkQueue({ backoff: policy, random: () => 0 });

/** Whether `promise` has settled, after letting pending microtasks run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('WorkQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands out keys in order and queues a key added twice only once', async () => {
    const queue = fullSteps();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(queue.length).toBe(0);
  });

  it('hands out background keys only after every normally added key, and moves one to the front when added normally', async () => {
    const queue = fullSteps();
    queue.addBackground('resync-1');
    queue.addBackground('resync-2');
    queue.addBackground('resync-3');
    queue.add('created-now');
    queue.add('resync-3');
    queue.addBackground('created-now');
    expect(queue.length).toBe(4);
    const order: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) {
      const key = await queue.get();
      order.push(key);
      if (key) queue.done(key);
    }
    expect(order).toEqual(['created-now', 'resync-3', 'resync-1', 'resync-2']);
  });

  it('hands a background key to a waiting worker, and queues it once more if it is being processed', async () => {
    const queue = fullSteps();
    const waiting = queue.get();
    queue.addBackground('a');
    expect(await waiting).toBe('a');
    queue.addBackground('a');
    expect(queue.length).toBe(0);
    queue.done('a');
    expect(await queue.get()).toBe('a');
  });

  it('does not hand out a key being processed, and queues it once more after done', async () => {
    const queue = fullSteps();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.add('a');
    queue.add('a');
    expect(queue.length).toBe(0);
    const second = queue.get();
    expect(await settled(second)).toBe(false);
    queue.done('a');
    expect(await second).toBe('a');
    queue.done('a');
    expect(queue.length).toBe(0);
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const queue = fullSteps();
    const next = queue.get();
    expect(await settled(next)).toBe(false);
    queue.add('a');
    expect(await next).toBe('a');
  });

  it('addAfter queues the key only once the delay has passed, the earlier of two delays winning', async () => {
    const queue = fullSteps();
    queue.addAfter('a', 1000);
    queue.addAfter('a', 300);
    queue.addAfter('a', 800);
    await vi.advanceTimersByTimeAsync(299);
    expect(queue.length).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe('a');
    queue.done('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(queue.length).toBe(0);
  });

  it('addAfter with no delay queues at once', () => {
    const queue = fullSteps();
    queue.addAfter('a', 0);
    expect(queue.length).toBe(1);
  });

  it('backoff grows with each failure of a key, per key, and resets after forget', () => {
    const queue = fullSteps();
    expect([1, 2, 3, 4, 5].map(() => queue.addRateLimited('a'))).toEqual([100, 200, 400, 800, 1000]);
    expect(queue.failures('a')).toBe(5);
    expect(queue.addRateLimited('b')).toBe(100);
    queue.forget('a');
    expect(queue.failures('a')).toBe(0);
    expect(queue.addRateLimited('a')).toBe(100);
  });

  it('backoff delays are jittered down by at most the policy share', () => {
    const queue = new WorkQueue({ backoff: policy, random: () => 0.999 });
    expect(queue.addRateLimited('a')).toBe(50);
    expect(queue.addRateLimited('a')).toBe(100);
  });

  it('addRateLimited queues the key after its delay', async () => {
    const queue = fullSteps();
    queue.addRateLimited('a');
    queue.addRateLimited('a'); // 200 ms, but the pending 100 ms wins
    await vi.advanceTimersByTimeAsync(99);
    expect(queue.length).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(queue.length).toBe(1);
  });

  it('shutdown waits for in-flight work, drops queued and delayed keys, and refuses new ones', async () => {
    const queue = fullSteps();
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 100);
    expect(await queue.get()).toBe('a');
    const drained = queue.shutdown();
    expect(queue.isShuttingDown).toBe(true);
    expect(await settled(drained)).toBe(false);
    queue.add('d');
    queue.add('a');
    expect(queue.length).toBe(0);
    expect(await queue.get()).toBeUndefined();
    queue.done('a');
    expect(await settled(drained)).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(queue.length).toBe(0);
    expect(queue.shutdown()).toBe(drained);
  });

  it('shutdown resolves at once when idle and releases waiting workers', async () => {
    const queue = fullSteps();
    const waiting = queue.get();
    await queue.shutdown();
    expect(await waiting).toBeUndefined();
  });
});
