export { CatalogError, formatProblem, parseSourceYaml, type CatalogProblem } from './catalog-error.js';
export { CatalogYamlDocument } from './catalog-yaml-document.js';
export { environmentProfile, offeredCatalog } from './offered-catalog.js';
export {
  catalogSchema,
  defaultEnvironment,
  environmentSchema,
  gpuSupportSchema,
  gpuTypeSchema,
  imageProblem,
  IMAGE_REFERENCE,
  tolerationSchema,
  versionsSchema,
  type Catalog,
  type Environment,
  type EnvironmentVersions,
  type GpuSupport,
  type GpuType,
  type Toleration,
} from './catalog-schema.js';
export {
  checkCompatibility,
  compareVersions,
  compatibilityTableSchema,
  DEFAULT_COMPATIBILITY_PATH,
  loadCompatibilityTable,
  parseCompatibilityTable,
  type CompatibilityTable,
  type FrameworkRelease,
  type GpuBuild,
} from './compatibility.js';
export {
  DEFAULT_CATALOG_PATH,
  loadCatalog,
  parseCatalog,
  validateCatalogDocument,
  type CatalogValidation,
} from './load-catalog.js';
export { gpuPlacementOf, gpuPodFields, type GpuPlacement, type GpuPlacementSource } from './gpu-placement.js';
export {
  GPU_COUNT_OPTION,
  GPU_TYPE_OPTION,
  mergeOverrides,
  resolveServerOptions,
  toProfileList,
  type ResolvedServerOptions,
  type ResolveResult,
  type ServerOptionsInput,
} from './profile-list.js';
export {
  kubeSpawnerOverrideSchema,
  profileSchema,
  tolerationViewSchema,
  type KubeSpawnerOverride,
  type Profile,
  type ProfileChoice,
  type ProfileOption,
} from './profile-schema.js';
export { parseQuantity, toKubeSpawnerBytes } from '../../k8s/quantity.js';
export { resolveStoredUserOptions, userOptionText } from './stored-user-options.js';
