import { describe, expect, it } from 'vitest';
import { candidates, pickLeastLoaded, serves, type BalancedBackend } from './balancer.js';

const backend = (name: string, outstanding = 0, extra: Partial<BalancedBackend> = {}) => ({
  name,
  outstanding,
  ejectedUntil: 0,
  ...extra,
});

/** A random source that replays `values`. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] as number;
};

describe('pickLeastLoaded', () => {
  it('picks the less loaded of two distinct random backends', () => {
    const all = [backend('a', 5), backend('b', 1), backend('c', 3)];
    // i = floor(0 * 3) = 0 (a); j = floor(0.5 * 2) = 1, shifted past i to 2 (c)
    expect(pickLeastLoaded(all, sequence(0, 0.5))?.name).toBe('c');
    // i = 1 (b); j = 0 (a)
    expect(pickLeastLoaded(all, sequence(0.4, 0))?.name).toBe('b');
  });

  it('never compares a backend with itself', () => {
    const all = [backend('a', 1), backend('b', 0)];
    // Both draws land on index 0, but the second is shifted to the other backend.
    expect(pickLeastLoaded(all, sequence(0, 0))?.name).toBe('b');
  });

  it('keeps the first pick on a tie', () => {
    const all = [backend('a'), backend('b')];
    expect(pickLeastLoaded(all, sequence(0.9, 0))?.name).toBe('b');
  });

  it('returns the only backend, or none', () => {
    expect(pickLeastLoaded([backend('a', 9)], Math.random)?.name).toBe('a');
    expect(pickLeastLoaded([], Math.random)).toBeUndefined();
  });

  it('never picks the most loaded backend out of three or more', () => {
    const all = [backend('a', 0), backend('b', 1), backend('c', 7)];
    for (let k = 0; k < 500; k++) expect(pickLeastLoaded(all, Math.random)?.name).not.toBe('c');
  });
});

describe('candidates', () => {
  it('keeps backends serving the version; undefined versions serve all', () => {
    const all = [backend('v1', 0, { versions: [1] }), backend('v2', 0, { versions: [2] }), backend('any')];
    expect(candidates(all, 2, 0).map((b) => b.name)).toEqual(['v2', 'any']);
    expect(candidates(all, undefined, 0).map((b) => b.name)).toEqual(['v1', 'v2', 'any']);
    expect(serves(all[0] as BalancedBackend, 2)).toBe(false);
  });

  it('skips ejected backends until their time is up, unless all are ejected', () => {
    const all = [backend('a', 0, { ejectedUntil: 1000 }), backend('b')];
    expect(candidates(all, 1, 999).map((b) => b.name)).toEqual(['b']);
    expect(candidates(all, 1, 1000).map((b) => b.name)).toEqual(['a', 'b']);
    const allEjected = [backend('a', 0, { ejectedUntil: 1000 }), backend('b', 0, { ejectedUntil: 1000 })];
    expect(candidates(allEjected, 1, 0).map((b) => b.name)).toEqual(['a', 'b']);
  });

  it('leaves out the backend that just failed', () => {
    const all = [backend('a'), backend('b')];
    expect(candidates(all, 1, 0, all[0]).map((b) => b.name)).toEqual(['b']);
  });
});
