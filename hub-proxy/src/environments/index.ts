/**
 * The environments feature: the image catalog, live GPU availability, GPU
 * quotas and switching a user's server into an environment. Other folders
 * import this file only.
 */
export * from './catalog/index.js';
export { environmentSchema as environmentViewSchema, environmentsSchema } from './schemas.js';
export { environmentIdSchema, switchServerBodySchema, switchServerResponseSchema } from './schemas.js';
export { CATALOG, CATALOG_SOURCE, environmentsFeature, GPU_CACHES, GPU_QUOTA } from './feature.js';
export {
  CatalogSource,
  liveCatalog,
  type CatalogDocument,
  type CatalogEdit,
  type CatalogSourceOptions,
} from './catalog-source.js';
export {
  GpuQuotaService,
  type GpuHolder,
  type GpuQuota,
  type GpuQuotaBreakdown,
} from './gpu-quota-service.js';
export { watchGpuCapacity, type GpuCaches } from './gpu-caches.js';
export {
  gpuNodeCapacity,
  isTerminated,
  podRequest,
  type GpuAvailability,
  type GpuNode,
  type GpuNodeCapacity,
  type GpuPod,
} from './gpu-availability.js';
export {
  compatibilityPathOf,
  environmentsConfig,
  type EnvironmentsSettings,
  type QuotaSettings,
} from './config.js';
