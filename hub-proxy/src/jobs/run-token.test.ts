import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacRunTokens } from './run-token.js';

const SECRET = 'a-secret-of-32-characters-or-so!';
const NOW = Date.parse('2030-01-01T00:00:00Z');

function sign(unsigned: string, secret = SECRET): string {
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('HmacRunTokens', () => {
  const tokens = new HmacRunTokens(SECRET, () => NOW);

  it('round-trips run-scoped and job-scoped claims', () => {
    const runToken = tokens.issue({ job: 'daily-ctr-1a2b3c', run: 'daily-ctr-1a2b3c-m0000abcd' }, 3600);
    expect(runToken).toMatch(/^trt1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(tokens.verify(runToken)).toEqual({
      job: 'daily-ctr-1a2b3c',
      run: 'daily-ctr-1a2b3c-m0000abcd',
      exp: NOW / 1000 + 3600,
    });
    const jobToken = tokens.issue({ job: 'daily-ctr-1a2b3c' }, 60);
    expect(tokens.verify(jobToken)).toEqual({ job: 'daily-ctr-1a2b3c', exp: NOW / 1000 + 60 });
  });

  it('is accepted by another instance with the same secret', () => {
    const token = tokens.issue({ job: 'j', run: 'r' }, 60);
    expect(new HmacRunTokens(SECRET, () => NOW).verify(token)).toMatchObject({ job: 'j', run: 'r' });
  });

  it('rejects a token whose claims were changed', () => {
    const token = tokens.issue({ job: 'mine', run: 'r1' }, 60);
    const [version, , signature] = token.split('.');
    const forged = `${version}.${encode({ job: 'theirs', run: 'r1', exp: NOW / 1000 + 60 })}.${signature}`;
    expect(tokens.verify(forged)).toBeUndefined();
    const longer = `${version}.${encode({ job: 'mine', run: 'r1', exp: NOW / 1000 + 999_999 })}.${signature}`;
    expect(tokens.verify(longer)).toBeUndefined();
  });

  it('rejects a token whose signature was changed', () => {
    const token = tokens.issue({ job: 'j', run: 'r' }, 60);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(tokens.verify(`${token.slice(0, -1)}${last}`)).toBeUndefined();
    expect(tokens.verify(`${token}A`)).toBeUndefined();
    // Characters Buffer's decoder would skip must not make another valid spelling.
    expect(tokens.verify(`${token}=`)).toBeUndefined();
    expect(tokens.verify(token.slice(0, token.lastIndexOf('.') + 1))).toBeUndefined();
  });

  it('rejects a token signed with another secret', () => {
    const other = new HmacRunTokens('another-secret-of-enough-length', () => NOW);
    expect(tokens.verify(other.issue({ job: 'j', run: 'r' }, 60))).toBeUndefined();
  });

  it('rejects a token once it has expired', () => {
    const token = tokens.issue({ job: 'j', run: 'r' }, 60);
    expect(new HmacRunTokens(SECRET, () => NOW + 59_000).verify(token)).toBeDefined();
    expect(new HmacRunTokens(SECRET, () => NOW + 60_000).verify(token)).toBeUndefined();
    expect(new HmacRunTokens(SECRET, () => NOW + 86_400_000).verify(token)).toBeUndefined();
  });

  it('rejects correctly signed payloads that are not valid claims', () => {
    const future = NOW / 1000 + 60;
    expect(tokens.verify(sign(`trt1.${encode({ run: 'r', exp: future })}`))).toBeUndefined();
    expect(tokens.verify(sign(`trt1.${encode({ job: 'j', exp: String(future) })}`))).toBeUndefined();
    expect(tokens.verify(sign(`trt1.${encode({ job: 'j', run: 7, exp: future })}`))).toBeUndefined();
    expect(tokens.verify(sign(`trt1.${encode(['j', future])}`))).toBeUndefined();
    expect(tokens.verify(sign(`trt1.${Buffer.from('{not json').toString('base64url')}`))).toBeUndefined();
    expect(tokens.verify(sign(`trt2.${encode({ job: 'j', exp: future })}`))).toBeUndefined();
    // The control: the same shape with valid claims passes.
    expect(tokens.verify(sign(`trt1.${encode({ job: 'j', exp: future })}`))).toEqual({
      job: 'j',
      exp: future,
    });
  });

  it('returns undefined for garbage without throwing', () => {
    const garbage: unknown[] = [
      '',
      '.',
      '..',
      'trt1..',
      'trt1.a.b',
      'Bearer x',
      'x'.repeat(10_000),
      '💥.💥.💥',
    ];
    for (const token of garbage) expect(tokens.verify(token as string)).toBeUndefined();
    expect(tokens.verify(undefined as unknown as string)).toBeUndefined();
    expect(tokens.verify(42 as unknown as string)).toBeUndefined();
  });

  it('refuses a short secret and a non-positive lifetime', () => {
    expect(() => new HmacRunTokens('short')).toThrow(RangeError);
    expect(() => tokens.issue({ job: 'j' }, 0)).toThrow(RangeError);
    expect(() => tokens.issue({ job: 'j' }, Number.NaN)).toThrow(RangeError);
  });
});
