import type { HubServer } from '../auth/hub-client.js';
import { resolveStoredUserOptions, userOptionText, type Catalog } from './catalog/index.js';
import { Forbidden } from '../errors/index.js';

import type { QuotaSettings } from './config.js';

export type { QuotaSettings };

/** A user's GPU quota and what their servers hold of it. */
export interface GpuQuotaUsage {
  maxGpus: number;
  usedGpus: number;
  remainingGpus: number;
}

/**
 * Starting the server would take the user over their GPU quota. A Forbidden
 * (403 `gpu-quota-exceeded`) rather than a QuotaExceeded (429): waiting does
 * not help, stopping a server does, and the UI and clients branch on it.
 */
export class GpuQuotaExceededError extends Forbidden {
  constructor(message: string) {
    super(message, { code: 'gpu-quota-exceeded', title: 'GPU Quota Exceeded' });
  }
}

/** The user's limit: their own entry in `quotas.users`, else `quotas.defaultMaxGpus`. */
export function maxGpusFor(quotas: QuotaSettings, user: string): number {
  return Object.hasOwn(quotas.users, user) ? (quotas.users[user] ?? 0) : quotas.defaultMaxGpus;
}

/**
 * How many GPUs a server started with `userOptions` holds. The options are
 * resolved as KubeSpawner resolves them (a GPU environment without a `gpus`
 * option gets its default count). Options the catalog no longer accepts
 * fall back to the raw `gpus` value, so a server is never counted as free
 * just because the catalog changed under it.
 */
export function serverGpus(catalog: Catalog, userOptions: Record<string, unknown>): number {
  const resolved = resolveStoredUserOptions(catalog, userOptions);
  if (resolved.ok) return resolved.value.gpus;
  const raw = Number(userOptionText(userOptions.gpus));
  return Number.isInteger(raw) && raw > 0 ? raw : 0;
}

/** Quota usage over the given servers (all of them unless `except` names one to leave out). */
export function gpuQuotaUsage(
  catalog: Catalog,
  quotas: QuotaSettings,
  user: string,
  servers: Iterable<HubServer>,
  except?: string,
): GpuQuotaUsage {
  let usedGpus = 0;
  for (const server of servers) {
    if (server.name !== except) usedGpus += serverGpus(catalog, server.userOptions);
  }
  const maxGpus = maxGpusFor(quotas, user);
  return { maxGpus, usedGpus, remainingGpus: Math.max(0, maxGpus - usedGpus) };
}

/**
 * Refuses a start of `target` with `requested` GPUs when the user's other
 * servers plus the request exceed the quota. The target's own current GPUs
 * do not count: they are released when it restarts.
 */
export function assertWithinGpuQuota(
  catalog: Catalog,
  quotas: QuotaSettings,
  user: string,
  servers: Iterable<HubServer>,
  target: string,
  requested: number,
): GpuQuotaUsage {
  const usage = gpuQuotaUsage(catalog, quotas, user, servers, target);
  if (requested > 0 && usage.usedGpus + requested > usage.maxGpus) {
    throw new GpuQuotaExceededError(
      `GPU quota exceeded: you have ${usage.usedGpus} of ${usage.maxGpus} GPUs in use on your other ` +
        `servers, and ${requested} more would make ${usage.usedGpus + requested}. ` +
        'Stop a server or ask for fewer GPUs.',
    );
  }
  return usage;
}
