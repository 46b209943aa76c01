import { createHash } from 'node:crypto';
import { recordCacheLookup, setCacheSize } from '../observability/metrics.js';
import type { HubClient } from './hub-client.js';
import type { HubIdentity } from './identity.js';
import { TtlCache } from './ttl-cache.js';

const CACHE_NAME = 'hub_identity';

/** Settings for {@link IdentityResolver}. */
export interface IdentityResolverOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

/**
 * Token -> hub identity, cached for a short TTL so a scope revoked in the hub
 * takes effect within that TTL. Keys are SHA-256 digests: raw tokens are
 * never kept in memory longer than the request.
 */
export class IdentityResolver {
  private readonly cache: TtlCache<HubIdentity | null>;
  // Concurrent requests with one token share one hub call.
  private readonly pending = new Map<string, Promise<HubIdentity | null>>();

  constructor(
    private readonly hub: Pick<HubClient, 'whoami'>,
    options: IdentityResolverOptions,
  ) {
    this.cache = new TtlCache({
      ttlMs: options.ttlMs,
      maxEntries: options.maxEntries,
      ...(options.now ? { now: options.now } : {}),
      onSizeChange: (size) => setCacheSize(CACHE_NAME, size),
    });
  }

  /** The identity for `token`, or null if the hub rejects it (rejections are cached too). */
  async resolve(token: string): Promise<HubIdentity | null> {
    const key = tokenKey(token);
    const cached = this.cache.get(key);
    recordCacheLookup(CACHE_NAME, cached !== undefined);
    if (cached !== undefined) return cached;
    let lookup = this.pending.get(key);
    if (!lookup) {
      lookup = this.hub.whoami(token).then((identity) => {
        this.cache.set(key, identity);
        return identity;
      });
      const settled = () => this.pending.delete(key);
      lookup.then(settled, settled);
      this.pending.set(key, lookup);
    }
    return lookup;
  }

  /** Drops the cached entry for `token` (e.g. after the hub rejected it). */
  forget(token: string): void {
    this.cache.delete(tokenKey(token));
  }

  get size(): number {
    return this.cache.size;
  }
}

/** The cache key for a token: its SHA-256, hex. */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
