import { describe, expect, it } from 'vitest';

import { localInputToIso, queryString } from './query-string';

describe('queryString', () => {
  it('leaves out unset and blank filters', () => {
    expect(queryString({ user: 'alice', state: '', job: undefined, environment: null, q: '  ' })).toBe(
      '?user=alice',
    );
  });

  it('is empty when no filter is set', () => {
    expect(queryString({ user: '' })).toBe('');
  });

  it('encodes values and keeps numbers', () => {
    expect(queryString({ object: 'a b&c', limit: 50 })).toBe('?object=a+b%26c&limit=50');
  });
});

describe('localInputToIso', () => {
  it('turns a datetime-local value into an ISO time', () => {
    expect(localInputToIso('2026-01-02T03:04')).toBe(new Date('2026-01-02T03:04').toISOString());
  });

  it('gives undefined for an empty or invalid value', () => {
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('tomorrow')).toBeUndefined();
  });
});
