import type { Catalog } from './catalog-schema.js';
import { resolveServerOptions, type ResolveResult } from './profile-list.js';

/** A user_options value as the hub stored it, as the string KubeSpawner compares. */
export function userOptionText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Resolves the `user_options` the hub recorded for a server against the catalog. */
export function resolveStoredUserOptions(
  catalog: Catalog,
  userOptions: Record<string, unknown>,
): ResolveResult {
  return resolveServerOptions(catalog, {
    profile: userOptionText(userOptions.profile),
    gpus: userOptionText(userOptions.gpus),
    gpu_type: userOptionText(userOptions.gpu_type),
  });
}
