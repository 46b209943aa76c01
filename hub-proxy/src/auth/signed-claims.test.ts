import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignedClaims, type SignedClaimsFormat } from './signed-claims.js';

interface Claims {
  who: string;
  exp: number;
}

const SECRET = 'a secret of at least sixteen characters';
const NOW = Date.parse('2030-01-01T00:00:00Z');
const format = (prefix: string): SignedClaimsFormat<Claims> => ({
  prefix,
  kind: 'test token',
  maxLength: 512,
  parse: ({ who, exp }) => (typeof who === 'string' ? { who, exp } : undefined),
});
const tokens = new SignedClaims(SECRET, format('tst1'), () => NOW);
const claims: Claims = { who: 'alice', exp: NOW / 1000 + 60 };

describe('SignedClaims', () => {
  it('writes `<prefix>.<base64url JSON>.<base64url HMAC-SHA256 of the first two>`', () => {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const mac = createHmac('sha256', SECRET).update(`tst1.${payload}`).digest('base64url');
    expect(tokens.sign(claims)).toBe(`tst1.${payload}.${mac}`);
    expect(tokens.verify(tokens.sign(claims))).toEqual(claims);
  });

  it('refuses another prefix with the same secret, expired or malformed claims, and long input', () => {
    const other = new SignedClaims(SECRET, format('tst2'), () => NOW);
    expect(tokens.verify(other.sign(claims))).toBeUndefined();
    expect(tokens.verify(tokens.sign({ ...claims, exp: NOW / 1000 }))).toBeUndefined();
    expect(tokens.verify(tokens.sign({ ...claims, exp: NOW / 1000 + 0.5 }))).toBeUndefined();
    expect(tokens.verify(tokens.sign({ ...claims, who: 7 } as unknown as Claims))).toBeUndefined();
    expect(tokens.verify(tokens.sign({ ...claims, who: 'x'.repeat(600) }))).toBeUndefined();
  });

  it('refuses a short secret, naming the kind of token', () => {
    expect(() => new SignedClaims('short', format('tst1'))).toThrow(
      'The test token secret must be at least 16 characters.',
    );
  });
});
