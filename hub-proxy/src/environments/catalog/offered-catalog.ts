import { defaultEnvironment, type Catalog, type Environment } from './catalog-schema.js';
import { toProfileList } from './profile-list.js';
import type { Profile } from './profile-schema.js';

/**
 * What users are offered: the catalog without its disabled environments.
 * The default falls to the first enabled environment when the marked one is
 * disabled (the catalog rules keep at least one enabled).
 */
export function offeredCatalog(catalog: Catalog): Catalog {
  return { gpuTypes: catalog.gpuTypes, environments: catalog.environments.filter((env) => !env.disabled) };
}

/**
 * The KubeSpawner profile `env` yields in `catalog` (all entries, disabled
 * ones included): the entry of the offered profile list, or, for a disabled
 * environment, what it would be if enabled again. Only the offered default
 * is marked `default`.
 */
export function environmentProfile(catalog: Catalog, env: Environment): Profile {
  const [profile] = toProfileList({ gpuTypes: catalog.gpuTypes, environments: [env] });
  if (!profile) throw new Error(`environment ${env.id} yields no profile`);
  const { default: _alone, ...rest } = profile;
  const offered = offeredCatalog(catalog);
  const isDefault = offered.environments.length > 0 && defaultEnvironment(offered).id === env.id;
  return isDefault ? { ...rest, default: true } : rest;
}
