import { describe, expect, it } from 'vitest';
import { StringPool } from './string-pool.js';

describe('StringPool', () => {
  // Which copy is returned cannot be observed from JavaScript; the memory it
  // saves is measured by bench/scale.ts. What can be checked: one entry per
  // distinct string, and an equal string back.
  it('keeps one entry per distinct string and returns an equal string', () => {
    const pool = new StringPool();
    const first = ['alerts', 'dependents'].join(',');
    const second = ['alerts', 'dependents'].join(',');
    expect(pool.intern(first)).toBe('alerts,dependents');
    expect(pool.intern(second)).toBe('alerts,dependents');
    pool.intern('other');
    expect(pool.size).toBe(2);
  });

  it('starts over when full, and still returns an equal string', () => {
    const pool = new StringPool(2);
    pool.intern('a');
    pool.intern('b');
    expect(pool.intern('c')).toBe('c');
    expect(pool.size).toBe(1);
    expect(pool.intern('a')).toBe('a');
  });

  it('interns every value of a record in place and leaves undefined alone', () => {
    const pool = new StringPool();
    const labels = { owner: 'alice', job: 'daily' };
    expect(pool.internValues(labels)).toBe(labels);
    expect(labels).toEqual({ owner: 'alice', job: 'daily' });
    expect(pool.size).toBe(2);
    expect(pool.internValues(undefined)).toBeUndefined();
  });
});
