import { resolveStoredUserOptions, userOptionText, type Catalog } from './catalog/index.js';
import { QuotaExceeded } from '../errors/index.js';

/**
 * Fixed GPU quotas (the config's old `quotas.defaultMaxGpus` / `quotas.users`
 * shape): for tests and for callers built without the quotas feature, which
 * now seeds its editable document from these keys.
 */
export interface QuotaSettings {
  /** For users without an entry in `users`. */
  defaultMaxGpus: number;
  /** Hub user name -> that user's limit, overriding the default. */
  users: Record<string, number>;
}

/** The old built-in default: 2 GPUs per user. */
export const DEFAULT_QUOTA_SETTINGS: QuotaSettings = { defaultMaxGpus: 2, users: {} };

/** A user's GPU quota and what they hold of it. */
export interface GpuQuotaUsage {
  maxGpus: number;
  usedGpus: number;
  remainingGpus: number;
}

/**
 * Starting the server (or run, or model) would take the user over their
 * GPU quota: the `gpus` quota, 403 `gpu-quota-exceeded` (waiting does not
 * help, stopping a server does; the UI and clients branch on the type),
 * with `quota`, `limit` and `used` like every quota refusal.
 */
export class GpuQuotaExceededError extends QuotaExceeded {
  constructor(message: string, limit: number, used: number) {
    super('gpus', limit, used, message, undefined, {
      persistence: 'permanent',
      code: 'gpu-quota-exceeded',
      title: 'GPU Quota Exceeded',
    });
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
