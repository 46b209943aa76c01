import { describe, expect, it } from 'vitest';
import { IdentityResolver, tokenKey } from './identity-resolver.js';
import type { HubIdentity } from './identity.js';

// A stand-in for the hub's whoami that counts calls; the real hub is exercised in tests/integration.
function countingHub(answer: (token: string) => HubIdentity | null) {
  const calls: string[] = [];
  return {
    calls,
    whoami: async (token: string) => {
      calls.push(token);
      return answer(token);
    },
  };
}

const alice: HubIdentity = { name: 'alice', kind: 'user', hubAdmin: false, scopes: ['access:services'] };

describe('IdentityResolver', () => {
  it('asks the hub once per token within the TTL and again after it', async () => {
    let now = 0;
    const hub = countingHub(() => alice);
    const resolver = new IdentityResolver(hub, { ttlMs: 5_000, maxEntries: 10, now: () => now });
    await resolver.resolve('t1');
    await resolver.resolve('t1');
    expect(hub.calls).toHaveLength(1);
    now = 5_001;
    await resolver.resolve('t1');
    expect(hub.calls).toHaveLength(2);
  });

  it('shares one hub call between concurrent lookups of the same token', async () => {
    const hub = countingHub(() => alice);
    const resolver = new IdentityResolver(hub, { ttlMs: 5_000, maxEntries: 10 });
    const results = await Promise.all([resolver.resolve('t'), resolver.resolve('t'), resolver.resolve('t')]);
    expect(results).toEqual([alice, alice, alice]);
    expect(hub.calls).toHaveLength(1);
  });

  it('caches rejections too, and forget() drops an entry', async () => {
    const hub = countingHub(() => null);
    const resolver = new IdentityResolver(hub, { ttlMs: 5_000, maxEntries: 10 });
    expect(await resolver.resolve('bad')).toBeNull();
    expect(await resolver.resolve('bad')).toBeNull();
    expect(hub.calls).toHaveLength(1);
    resolver.forget('bad');
    await resolver.resolve('bad');
    expect(hub.calls).toHaveLength(2);
  });

  it('keys entries by a SHA-256 of the token, never the token itself', () => {
    const key = tokenKey('secret-token-value');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain('secret');
  });
});
