import { configSectionOf } from './assemble.js';
import { loadConfig, type ConfigSources } from './config/load.js';
import { environmentsFeature } from './environments/index.js';
import type { Feature } from './feature.js';
import { jobsFeature } from './jobs/index.js';
import { modelsFeature } from './models/index.js';

/**
 * Turing's features, in dependency order (jobs needs the catalog that
 * environments provides; models publish jobs' model outputs). Admin joins this list.
 */
export const FEATURES: readonly Feature[] = [environmentsFeature, jobsFeature, modelsFeature];

// Merged once (it also refuses a key two features claim); the explicit spread keeps the fields' types.
const merged = configSectionOf(FEATURES);
const section = {
  fields: {
    ...environmentsFeature.config.fields,
    ...jobsFeature.config.fields,
    ...modelsFeature.config.fields,
  },
  env: merged.env,
  nestedEnv: merged.nestedEnv,
};

/** Loads and validates the whole configuration (shared keys and every feature's) once. */
export function loadHubProxyConfig(sources: ConfigSources = {}) {
  return loadConfig(sources, section);
}

/** The validated configuration with every feature's settings. */
export type HubProxyConfig = ReturnType<typeof loadHubProxyConfig>;
