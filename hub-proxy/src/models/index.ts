export { modelsFeature } from './feature.js';
export { modelsConfig, type ModelsSettings, type ServingRuntime } from './config.js';
export type { ModelRecord, ModelRuntime, ModelSpec, ModelVersion } from './model.js';
export {
  commitUploadBodySchema,
  createApiKeyBodySchema,
  createModelBodySchema,
  createUploadBodySchema,
  modelSchema,
  modelVersionSchema,
  patchModelBodySchema,
  servingRuntimeViewSchema,
  trafficSchema,
} from './schemas.js';
