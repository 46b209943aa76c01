import { V1MicroTime, type V1LeaseSpec } from '@kubernetes/client-node';

/**
 * A lease time as epoch milliseconds. client-node 1.4 types MicroTime fields
 * as Date but hands back the API server's string; accept both.
 */
export function leaseTimeMs(value: Date | string | undefined | null): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * A MicroTime for the API server. It parses `2006-01-02T15:04:05.000000Z07:00`
 * (exactly six fraction digits) and rejects a plain Date's
 * `toISOString()`; client-node's V1MicroTime serialises correctly.
 */
export function microTime(epochMs: number): V1MicroTime {
  return new V1MicroTime(epochMs);
}

/** The holder of a lease, or undefined when nobody holds it (absent or released as ""). */
export function leaseHolder(spec: V1LeaseSpec | undefined): string | undefined {
  return spec?.holderIdentity ? spec.holderIdentity : undefined;
}

/** When the lease runs out (renewTime, else acquireTime, plus leaseDurationSeconds), or undefined if unknowable. */
export function leaseExpiresAtMs(spec: V1LeaseSpec | undefined): number | undefined {
  const renewedAt = leaseTimeMs(spec?.renewTime) ?? leaseTimeMs(spec?.acquireTime);
  const durationSeconds = spec?.leaseDurationSeconds;
  if (renewedAt === undefined || durationSeconds === undefined) return undefined;
  return renewedAt + durationSeconds * 1000;
}

/** True when the lease's holder has not renewed within its duration; a lease missing either time counts as expired. */
export function isLeaseExpired(spec: V1LeaseSpec | undefined, nowMs: number): boolean {
  const expiresAt = leaseExpiresAtMs(spec);
  return expiresAt === undefined || expiresAt < nowMs;
}

/** True when `identity` may write itself into the lease: nobody holds it, it already does, or the holder's lease expired. */
export function mayAcquireLease(spec: V1LeaseSpec | undefined, identity: string, nowMs: number): boolean {
  const holder = leaseHolder(spec);
  return holder === undefined || holder === identity || isLeaseExpired(spec, nowMs);
}

/** The spec `identity` writes to acquire or renew: keeps acquireTime and the transition count when renewing. */
export function nextLeaseSpec(
  current: V1LeaseSpec | undefined,
  identity: string,
  leaseDurationSeconds: number,
  nowMs: number,
): V1LeaseSpec {
  const renewing = leaseHolder(current) === identity;
  return {
    ...current,
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: renewing && current?.acquireTime ? current.acquireTime : microTime(nowMs),
    renewTime: microTime(nowMs),
    // A new lease starts at 0; every change of holder counts one transition.
    leaseTransitions: current === undefined ? 0 : (current.leaseTransitions ?? 0) + (renewing ? 0 : 1),
  };
}

/** The spec that hands the lease back: no holder, so the next candidate can take it at its next retry. */
export function releasedLeaseSpec(current: V1LeaseSpec | undefined, nowMs: number): V1LeaseSpec {
  return {
    ...current,
    holderIdentity: '',
    leaseDurationSeconds: 1,
    acquireTime: microTime(nowMs),
    renewTime: microTime(nowMs),
  };
}
