import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacRunTokens, runTokenSubject } from './run-token.js';
import { notebookJobFixture } from './testing/notebook-job-fixture.js';

const SECRET = 'a-secret-of-32-characters-or-so!';
const NOW = Date.parse('2030-01-01T00:00:00Z');
const JOB = { job: 'daily-ctr-0123456789abc', uid: '6f1c2a1e-1111-4222-8333-944455556666', owner: 'alice' };

function sign(unsigned: string, secret = SECRET): string {
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('HmacRunTokens', () => {
  const tokens = new HmacRunTokens(SECRET, () => NOW);

  it("round-trips run-scoped and job-scoped claims, with the NotebookJob's uid and owner", () => {
    const runToken = tokens.issue({ ...JOB, run: `${JOB.job}-m0000abcd` }, 3600);
    expect(runToken).toMatch(/^trt2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(tokens.verify(runToken)).toEqual({ ...JOB, run: `${JOB.job}-m0000abcd`, exp: NOW / 1000 + 3600 });
    const jobToken = tokens.issue(JOB, 60);
    expect(tokens.verify(jobToken)).toEqual({ ...JOB, exp: NOW / 1000 + 60 });
  });

  it('is accepted by another instance with the same secret', () => {
    const token = tokens.issue({ ...JOB, run: 'r' }, 60);
    expect(new HmacRunTokens(SECRET, () => NOW).verify(token)).toMatchObject({ ...JOB, run: 'r' });
  });

  it('rejects a token whose claims were changed: job, uid, owner, run or expiry', () => {
    const token = tokens.issue({ ...JOB, run: 'r1' }, 60);
    const [version, , signature] = token.split('.');
    const exp = NOW / 1000 + 60;
    for (const changed of [
      { ...JOB, job: 'theirs', run: 'r1', exp },
      { ...JOB, uid: 'the-uid-of-a-recreated-object', run: 'r1', exp },
      { ...JOB, owner: 'bob', run: 'r1', exp },
      { ...JOB, run: 'r2', exp },
      { ...JOB, run: 'r1', exp: exp + 999_999 },
    ]) {
      expect(
        tokens.verify(`${version}.${encode(changed)}.${signature}`),
        JSON.stringify(changed),
      ).toBeUndefined();
    }
  });

  it('rejects a token whose signature was changed', () => {
    const token = tokens.issue({ ...JOB, run: 'r' }, 60);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(tokens.verify(`${token.slice(0, -1)}${last}`)).toBeUndefined();
    expect(tokens.verify(`${token}A`)).toBeUndefined();
    // Characters Buffer's decoder would skip must not make another valid spelling.
    expect(tokens.verify(`${token}=`)).toBeUndefined();
    expect(tokens.verify(token.slice(0, token.lastIndexOf('.') + 1))).toBeUndefined();
  });

  it('rejects a token signed with another secret', () => {
    const other = new HmacRunTokens('another-secret-of-enough-length', () => NOW);
    expect(tokens.verify(other.issue({ ...JOB, run: 'r' }, 60))).toBeUndefined();
  });

  it('rejects a token once it has expired', () => {
    const token = tokens.issue({ ...JOB, run: 'r' }, 60);
    expect(new HmacRunTokens(SECRET, () => NOW + 59_000).verify(token)).toBeDefined();
    expect(new HmacRunTokens(SECRET, () => NOW + 60_000).verify(token)).toBeUndefined();
    expect(new HmacRunTokens(SECRET, () => NOW + 86_400_000).verify(token)).toBeUndefined();
  });

  it('rejects correctly signed payloads that are not valid claims', () => {
    const future = NOW / 1000 + 60;
    const valid = { ...JOB, exp: future };
    const { uid: _uid, ...withoutUid } = valid;
    const { owner: _owner, ...withoutOwner } = valid;
    for (const claims of [
      { ...valid, job: undefined },
      { ...valid, exp: String(future) },
      { ...valid, run: 7 },
      withoutUid,
      { ...valid, uid: '' },
      withoutOwner,
      { ...valid, owner: 42 },
      [JOB.job, future],
    ]) {
      expect(tokens.verify(sign(`trt2.${encode(claims)}`)), JSON.stringify(claims)).toBeUndefined();
    }
    expect(tokens.verify(sign(`trt2.${Buffer.from('{not json').toString('base64url')}`))).toBeUndefined();
    // Tokens of the old format named only the object, so they cannot be bound to one.
    expect(tokens.verify(sign(`trt1.${encode(valid)}`))).toBeUndefined();
    expect(tokens.verify(sign(`trt1.${encode({ job: JOB.job, exp: future })}`))).toBeUndefined();
    // The control: the same shape with valid claims passes.
    expect(tokens.verify(sign(`trt2.${encode(valid)}`))).toEqual(valid);
  });

  it('returns undefined for garbage without throwing', () => {
    const garbage: unknown[] = [
      '',
      '.',
      '..',
      'trt2..',
      'trt2.a.b',
      'Bearer x',
      'x'.repeat(10_000),
      '💥.💥.💥',
    ];
    for (const token of garbage) expect(tokens.verify(token as string)).toBeUndefined();
    expect(tokens.verify(undefined as unknown as string)).toBeUndefined();
    expect(tokens.verify(42 as unknown as string)).toBeUndefined();
  });

  it('refuses a short secret, a non-positive lifetime and claims without a uid', () => {
    expect(() => new HmacRunTokens('short')).toThrow(RangeError);
    expect(() => tokens.issue(JOB, 0)).toThrow(RangeError);
    expect(() => tokens.issue(JOB, Number.NaN)).toThrow(RangeError);
    expect(() => tokens.issue({ ...JOB, uid: '' }, 60)).toThrow(RangeError);
  });
});

describe('runTokenSubject', () => {
  it("names a stored NotebookJob by object name, uid and the owner's raw hub name", () => {
    const job = notebookJobFixture('Alice@Example.org', 'daily');
    job.metadata.uid = JOB.uid;
    expect(runTokenSubject(job)).toEqual({
      job: job.metadata.name,
      uid: JOB.uid,
      owner: 'Alice@Example.org',
    });
  });

  it('refuses a NotebookJob that was never stored (no uid): a token must die with its object', () => {
    expect(() => runTokenSubject(notebookJobFixture('alice', 'daily'))).toThrow(/uid/);
  });
});
