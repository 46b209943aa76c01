import { defineFeature, ServiceKey } from '../feature.js';
import { environmentAdminRoutes } from './admin-routes.js';
import { loadCatalog, loadCompatibilityTable, type Catalog } from './catalog/index.js';
import { CatalogSource, liveCatalog } from './catalog-source.js';
import { catalogStore } from './catalog-store.js';
import { compatibilityPathOf, environmentsConfig } from './config.js';
import { watchGpuCapacity, type GpuCaches } from './gpu-caches.js';
import { GpuQuotaService, type GpuQuota } from './gpu-quota-service.js';
import { QUOTAS } from '../quotas/index.js';
import { environmentRoutes } from './routes.js';

/**
 * The environment catalog users are offered (disabled environments left
 * out), for features that resolve images and GPU types (jobs, models). A
 * live view: read `environments` and `gpuTypes` when you need them, not once
 * at start, and admins' edits apply without a restart.
 */
export const CATALOG = new ServiceKey<Catalog>('environments.catalog');

/** The editable catalog behind {@link CATALOG}, for the admin pages. */
export const CATALOG_SOURCE = new ServiceKey<CatalogSource>('environments.catalogSource');

/** The node and pod caches GPU accounting reads; undefined on the local runtime (no cluster). */
export const GPU_CACHES = new ServiceKey<GpuCaches | undefined>('environments.gpuCaches');

/**
 * The per-user GPU quota. Features that start GPU workloads (jobs) check
 * against it and register what they hold, so servers, runs and the hub's
 * spawn form draw on one allowance.
 */
export const GPU_QUOTA = new ServiceKey<GpuQuota>('environments.gpuQuota');

/**
 * Environments: the catalog (the seed file is checked at start, and a bad one
 * stops it with every problem listed; admins then edit the stored copy while
 * hub-proxy runs), live GPU availability from node and pod caches (cluster
 * runtime only), quotas and server switching through the hub.
 */
export const environmentsFeature = defineFeature({
  name: 'environments',
  config: environmentsConfig,
  create(context, settings) {
    const seed = loadCatalog(settings.catalogPath, compatibilityPathOf(settings));
    const { store, location } = catalogStore(settings, context.cluster, context.logger);
    const catalogSource = new CatalogSource({
      store,
      table: loadCompatibilityTable(compatibilityPathOf(settings)),
      initial: seed,
      logger: context.logger.child({ component: 'catalog' }),
      location,
    });
    catalogSource.start();
    const catalog = liveCatalog(catalogSource);
    context.provide(CATALOG, catalog);
    context.provide(CATALOG_SOURCE, catalogSource);
    // The limit is the live `gpus` quota; what holds GPUs (servers here, runs and replicas later) counts as its use.
    const quotas = context.require(QUOTAS);
    const gpuQuota = new GpuQuotaService({
      catalog,
      maxGpus: (user) => quotas.limit(user, 'gpus'),
      hub: context.hub,
    });
    quotas.registerUsage('gpus', async (user) => (await gpuQuota.usage(user)).usedGpus);
    context.provide(GPU_QUOTA, gpuQuota);
    // No cluster in the local runtime: the API reports `gpus.available: false`.
    const gpus = context.cluster && watchGpuCapacity(context.cluster);
    context.provide(GPU_CACHES, gpus);
    return {
      routes: [
        ...environmentRoutes({
          catalog,
          config: context.config,
          hub: context.hub,
          gpuQuota,
          gpus: gpus && { synced: () => gpus.synced, availability: () => gpus.availability() },
        }),
        ...environmentAdminRoutes(catalogSource),
      ],
      readinessChecks: [
        () =>
          Promise.resolve({
            name: 'catalog',
            ok: catalogSource.loaded,
            ...(catalogSource.loaded ? {} : { detail: `${location} not read yet` }),
          }),
      ],
      statusProviders: {
        catalog: () => ({
          location,
          version: catalogSource.version,
          problems: catalogSource.problems.map((p) => `${p.field}: ${p.message}`),
        }),
        ...(gpus ? { gpus: () => ({ synced: gpus.synced, ...gpus.availability() }) } : {}),
      },
      shutdownHooks: [{ name: 'environment catalog watch', run: () => catalogSource.stop() }],
    };
  },
});
