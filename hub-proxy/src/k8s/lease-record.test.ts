import { describe, expect, it } from 'vitest';
import {
  isLeaseExpired,
  leaseExpiresAtMs,
  leaseHolder,
  leaseTimeMs,
  mayAcquireLease,
  microTime,
  nextLeaseSpec,
  releasedLeaseSpec,
} from './lease-record.js';

const t0 = Date.parse('2026-11-28T10:00:00Z');
// What the API server sends back: MicroTime as a string, though client-node types it as Date.
const asServerSends = (ms: number) => JSON.parse(JSON.stringify(microTime(ms))) as unknown as Date;

describe('lease times', () => {
  it('serialises MicroTime with exactly six fraction digits', () => {
    expect(JSON.stringify({ t: microTime(t0 + 123) })).toBe('{"t":"2026-11-28T10:00:00.123000Z"}');
  });

  it('reads Date and string forms, and rejects garbage', () => {
    expect(leaseTimeMs(new Date(t0))).toBe(t0);
    expect(leaseTimeMs('2026-11-28T10:00:00.123456Z')).toBe(t0 + 123);
    expect(leaseTimeMs(undefined)).toBeUndefined();
    expect(leaseTimeMs('not a time')).toBeUndefined();
  });
});

describe('lease expiry', () => {
  const held = { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: asServerSends(t0) };

  it('expires strictly after renewTime + leaseDurationSeconds', () => {
    expect(leaseExpiresAtMs(held)).toBe(t0 + 15_000);
    expect(isLeaseExpired(held, t0 + 14_999)).toBe(false);
    expect(isLeaseExpired(held, t0 + 15_000)).toBe(false);
    expect(isLeaseExpired(held, t0 + 15_001)).toBe(true);
  });

  it('falls back to acquireTime, and treats a lease without times as expired', () => {
    expect(leaseExpiresAtMs({ leaseDurationSeconds: 1, acquireTime: asServerSends(t0) })).toBe(t0 + 1000);
    expect(isLeaseExpired({ holderIdentity: 'a', leaseDurationSeconds: 15 }, t0)).toBe(true);
    expect(isLeaseExpired(undefined, t0)).toBe(true);
  });

  it('lets a candidate acquire only a free, own or expired lease', () => {
    expect(mayAcquireLease(held, 'b', t0 + 1000)).toBe(false);
    expect(mayAcquireLease(held, 'a', t0 + 1000)).toBe(true);
    expect(mayAcquireLease(held, 'b', t0 + 15_001)).toBe(true);
    expect(mayAcquireLease({ ...held, holderIdentity: '' }, 'b', t0 + 1000)).toBe(true);
    expect(mayAcquireLease(undefined, 'b', t0)).toBe(true);
  });

  it('treats a released ("") holder as nobody', () => {
    expect(leaseHolder({ holderIdentity: '' })).toBeUndefined();
    expect(leaseHolder({ holderIdentity: 'a' })).toBe('a');
  });
});

describe('lease specs written', () => {
  it('a new lease starts with 0 transitions, acquire = renew = now', () => {
    const spec = nextLeaseSpec(undefined, 'a', 15, t0);
    expect(spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(leaseTimeMs(spec.acquireTime)).toBe(t0);
    expect(leaseTimeMs(spec.renewTime)).toBe(t0);
  });

  it('renewing keeps acquireTime and transitions; taking over counts a transition', () => {
    const mine = {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 3,
      acquireTime: asServerSends(t0),
    };
    const renewed = nextLeaseSpec(mine, 'a', 15, t0 + 5000);
    expect(leaseTimeMs(renewed.acquireTime)).toBe(t0);
    expect(leaseTimeMs(renewed.renewTime)).toBe(t0 + 5000);
    expect(renewed.leaseTransitions).toBe(3);
    const taken = nextLeaseSpec(mine, 'b', 15, t0 + 20_000);
    expect(taken.holderIdentity).toBe('b');
    expect(leaseTimeMs(taken.acquireTime)).toBe(t0 + 20_000);
    expect(taken.leaseTransitions).toBe(4);
  });

  it('release clears the holder so the lease is free at once', () => {
    const released = releasedLeaseSpec(
      { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 2 },
      t0,
    );
    expect(released.holderIdentity).toBe('');
    expect(released.leaseTransitions).toBe(2);
    expect(mayAcquireLease(released, 'b', t0)).toBe(true);
  });
});
