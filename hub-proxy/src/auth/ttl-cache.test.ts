import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.js';

function clock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TtlCache', () => {
  it('returns a value until its TTL has passed, then forgets it', () => {
    const time = clock();
    const cache = new TtlCache<string>({ ttlMs: 5_000, maxEntries: 10, now: time.now });
    cache.set('k', 'v');
    time.advance(4_999);
    expect(cache.get('k')).toBe('v');
    time.advance(1);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not extend the TTL when an entry is read', () => {
    const time = clock();
    const cache = new TtlCache<string>({ ttlMs: 1_000, maxEntries: 10, now: time.now });
    cache.set('k', 'v');
    time.advance(900);
    expect(cache.get('k')).toBe('v');
    time.advance(200);
    expect(cache.get('k')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new TtlCache<number>({ ttlMs: 60_000, maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('stores nothing when the TTL is zero', () => {
    const cache = new TtlCache<number>({ ttlMs: 0, maxEntries: 2 });
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('reports its size after every change', () => {
    const sizes: number[] = [];
    const cache = new TtlCache<number>({ ttlMs: 1_000, maxEntries: 1, onSizeChange: (s) => sizes.push(s) });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.delete('b');
    expect(sizes).toEqual([1, 1, 0]);
  });
});
