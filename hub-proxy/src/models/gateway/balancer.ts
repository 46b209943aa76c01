/**
 * Balancing: least outstanding requests with the power of two random
 * choices. Comparing two random backends instead of scanning all of them
 * avoids herding onto the one that just looked idle, and it sends little
 * to a slow backend because its requests pile up.
 */

/** What the balancer reads of a backend. */
export interface BalancedBackend {
  /** Versions it serves; undefined: every version. */
  readonly versions?: readonly number[] | undefined;
  /** Requests sent to it that have not finished. */
  readonly outstanding: number;
  /** Skipped until this time (ms since the epoch) after refusing a connection. */
  readonly ejectedUntil: number;
}

/** True when `backend` serves `version` (undefined: any version will do). */
export function serves(backend: BalancedBackend, version: number | undefined): boolean {
  return version === undefined || backend.versions === undefined || backend.versions.includes(version);
}

/**
 * The backends a call for `version` may go to, without `exclude` (the one
 * that just failed). Ejected backends are skipped, unless all of them are
 * ejected: trying one beats refusing the call outright.
 */
export function candidates<T extends BalancedBackend>(
  all: readonly T[],
  version: number | undefined,
  now: number,
  exclude?: T,
): T[] {
  const healthy: T[] = [];
  let ejected: T[] | undefined;
  for (const backend of all) {
    if (backend === exclude || !serves(backend, version)) continue;
    if (backend.ejectedUntil > now) (ejected ??= []).push(backend);
    else healthy.push(backend);
  }
  return healthy.length > 0 ? healthy : (ejected ?? healthy);
}

/**
 * Picks two distinct backends at random and returns the one with fewer
 * outstanding requests (the first on a tie, itself a random choice).
 */
export function pickLeastLoaded<T extends BalancedBackend>(
  backends: readonly T[],
  random: () => number,
): T | undefined {
  const n = backends.length;
  if (n <= 1) return backends[0];
  const i = Math.floor(random() * n);
  let j = Math.floor(random() * (n - 1));
  if (j >= i) j += 1;
  const a = backends[i] as T;
  const b = backends[j] as T;
  return b.outstanding < a.outstanding ? b : a;
}
