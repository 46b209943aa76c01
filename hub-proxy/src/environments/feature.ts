import { defineFeature, ServiceKey } from '../feature.js';
import { loadCatalog, type Catalog } from './catalog/index.js';
import { compatibilityPathOf, environmentsConfig } from './config.js';
import { watchGpuCapacity } from './gpu-caches.js';
import { GpuQuotaService, type GpuQuota } from './gpu-quota-service.js';
import { environmentRoutes } from './routes.js';

/** The loaded environment catalog, for features that resolve images and GPU types (jobs, models). */
export const CATALOG = new ServiceKey<Catalog>('environments.catalog');

/**
 * The per-user GPU quota. Features that start GPU workloads (jobs) check
 * against it and register what they hold, so servers, runs and the hub's
 * spawn form draw on one allowance.
 */
export const GPU_QUOTA = new ServiceKey<GpuQuota>('environments.gpuQuota');

/**
 * Environments: the catalog (read once; a bad one stops the start with every
 * problem listed), live GPU availability from node and pod caches (cluster
 * runtime only), quotas and server switching through the hub.
 */
export const environmentsFeature = defineFeature({
  name: 'environments',
  config: environmentsConfig,
  create(context, settings) {
    const catalog = loadCatalog(settings.catalogPath, compatibilityPathOf(settings));
    context.logger.info(
      { catalog: settings.catalogPath, environments: catalog.environments.length },
      'environment catalog loaded',
    );
    context.provide(CATALOG, catalog);
    const gpuQuota = new GpuQuotaService({ catalog, quotas: settings.quotas, hub: context.hub });
    context.provide(GPU_QUOTA, gpuQuota);
    // No cluster in the local runtime: the API reports `gpus.available: false`.
    const gpus = context.cluster && watchGpuCapacity(context.cluster);
    return {
      routes: environmentRoutes({
        catalog,
        config: { ...context.config, quotas: settings.quotas },
        hub: context.hub,
        gpuQuota,
        gpus: gpus && { synced: () => gpus.synced, availability: () => gpus.availability() },
      }),
      ...(gpus ? { statusProviders: { gpus: () => ({ synced: gpus.synced, ...gpus.availability() }) } } : {}),
    };
  },
});
