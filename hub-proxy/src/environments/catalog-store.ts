import { readFileSync } from 'node:fs';
import {
  ConfigMapDocumentStore,
  FileDocumentStore,
  type VersionedDocumentStore,
} from '../documents/index.js';
import type { Cluster } from '../k8s/cluster.js';
import type { Logger } from '../observability/logger.js';
import type { EnvironmentsSettings } from './config.js';

/** The ConfigMap key holding the catalog's YAML. */
export const CATALOG_CONFIG_MAP_KEY = 'catalog.yaml';

/** Where the editable catalog lives, and a label for logs and docs. */
export interface CatalogStore {
  store: VersionedDocumentStore;
  location: string;
}

/**
 * The editable catalog's store: the `catalogConfigMap` ConfigMap on the
 * kubernetes runtime, the `editableCatalogPath` file on the local one. Both
 * start as a copy of the seed file (`catalogPath`), comments included.
 */
export function catalogStore(
  settings: Pick<EnvironmentsSettings, 'catalogPath' | 'catalogConfigMap' | 'editableCatalogPath'>,
  cluster: Pick<Cluster, 'clients'> | undefined,
  logger: Logger,
): CatalogStore {
  const seed = () => readFileSync(settings.catalogPath, 'utf8');
  if (cluster) {
    return {
      store: new ConfigMapDocumentStore({
        clients: cluster.clients,
        name: settings.catalogConfigMap,
        key: CATALOG_CONFIG_MAP_KEY,
        seed,
        logger,
      }),
      location: `ConfigMap ${cluster.clients.namespace}/${settings.catalogConfigMap}`,
    };
  }
  return {
    store: new FileDocumentStore({ path: settings.editableCatalogPath, seed }),
    location: settings.editableCatalogPath,
  };
}
