import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import {
  HmacModelArtifactTokens,
  artifactClaimsAllow,
  type ModelArtifactClaims,
} from './model-artifact-token.js';

const SECRET = 'a secret of at least sixteen characters';
let clock = Date.parse('2026-12-01T12:00:00Z');
const now = () => clock;
const tokens = new HmacModelArtifactTokens(SECRET, now);
const claims = (change: Partial<ModelArtifactClaims> = {}): ModelArtifactClaims => ({
  model: 'ctr',
  uid: 'uid-1',
  owner: 'alice',
  versions: [2, 1],
  exp: clock / 1000 + 3600,
  ...change,
});

describe('model artifact tokens', () => {
  it('round-trips the claims, versions sorted', () => {
    expect(tokens.verify(tokens.mint(claims()))).toEqual({ ...claims(), versions: [1, 2] });
  });

  it('refuses an expired token, one signed with another secret, and a tampered payload', () => {
    const token = tokens.mint(claims({ exp: clock / 1000 + 10 }));
    clock += 10_000;
    expect(tokens.verify(token)).toBeUndefined();
    clock -= 10_000;
    const other = new HmacModelArtifactTokens('another secret of sixteen+ characters', now);
    expect(other.verify(tokens.mint(claims()))).toBeUndefined();
    const [version, payload, signature] = tokens.mint(claims()).split('.');
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
        versions: [1, 2, 3],
      }),
    ).toString('base64url');
    expect(tokens.verify(`${version}.${forged}.${signature}`)).toBeUndefined();
  });

  it('never accepts a token of another kind signed with the same secret (a job run token)', () => {
    // A run token as jobs/run-token.ts writes it: `trt2.<claims>.<HMAC of "trt2.<claims>">`.
    const payload = Buffer.from(JSON.stringify({ ...claims(), job: 'ctr' })).toString('base64url');
    const signature = createHmac('sha256', SECRET).update(`trt2.${payload}`).digest('base64url');
    expect(tokens.verify(`trt2.${payload}.${signature}`)).toBeUndefined();
    expect(tokens.verify(`tma1.${payload}.${signature}`)).toBeUndefined();
  });

  it('refuses to mint without versions, with non-integer versions or with a past expiry', () => {
    expect(() => tokens.mint(claims({ versions: [] }))).toThrow(RangeError);
    expect(() => tokens.mint(claims({ versions: [1.5] }))).toThrow(RangeError);
    expect(() => tokens.mint(claims({ exp: clock / 1000 - 1 }))).toThrow(RangeError);
    expect(() => new HmacModelArtifactTokens('short')).toThrow(RangeError);
  });

  it('allows a version only of the same model object and owner', () => {
    const verified = tokens.verify(tokens.mint(claims()));
    if (!verified) throw new Error('not verified');
    const model = { name: 'ctr', uid: 'uid-1', owner: 'alice' };
    expect(artifactClaimsAllow(verified, model, 2)).toBe(true);
    expect(artifactClaimsAllow(verified, model, 3)).toBe(false);
    expect(artifactClaimsAllow(verified, { ...model, uid: 'uid-2' }, 2)).toBe(false);
    expect(artifactClaimsAllow(verified, { ...model, owner: 'bob' }, 2)).toBe(false);
    expect(artifactClaimsAllow(verified, { ...model, name: 'ctr2' }, 2)).toBe(false);
  });
});
