export { modelsFeature } from './feature.js';
export { modelsConfig, type ModelsSettings, type ServingRuntime } from './config.js';
export type { ModelRecord, ModelRuntime, ModelSpec, ModelVersion } from './model.js';
