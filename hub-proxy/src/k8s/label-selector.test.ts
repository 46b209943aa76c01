import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector } from './label-selector.js';

const matches = (selector: string | Record<string, string>, labels: Record<string, string>) =>
  matchesLabels(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  const labels = { app: 'turing', tier: 'api', env: 'prod' };

  it('equality and inequality', () => {
    expect(matches('app=turing', labels)).toBe(true);
    expect(matches('app==turing,tier=api', labels)).toBe(true);
    expect(matches('app=other', labels)).toBe(false);
    expect(matches('tier!=db', labels)).toBe(true);
    expect(matches('tier!=api', labels)).toBe(false);
    expect(matches('missing!=x', labels)).toBe(true);
  });

  it('set-based and existence', () => {
    expect(matches('env in (prod, staging)', labels)).toBe(true);
    expect(matches('env notin (prod)', labels)).toBe(false);
    expect(matches('env in (dev),app=turing', labels)).toBe(false);
    expect(matches('app,!legacy', labels)).toBe(true);
    expect(matches('!app', labels)).toBe(false);
    expect(matches('missing in (x)', labels)).toBe(false);
    expect(matches('missing notin (x)', labels)).toBe(true);
  });

  it('matchLabels records and empty selectors', () => {
    expect(matches({ app: 'turing', env: 'prod' }, labels)).toBe(true);
    expect(matches({ app: 'turing', env: 'dev' }, labels)).toBe(false);
    expect(matches('', labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector('app'), undefined)).toBe(false);
  });

  it('rejects what it cannot parse', () => {
    expect(() => parseLabelSelector('a=(b')).toThrow(/invalid label selector/);
  });
});
