import { configSectionOf } from './assemble.js';
import { loadConfig, type ConfigSources } from './config/load.js';
import { environmentsFeature } from './environments/index.js';
import type { Feature } from './feature.js';
import { jobsFeature } from './jobs/index.js';
import { modelsFeature } from './models/index.js';
import { quotasFeature } from './quotas/index.js';
import { auditFeature } from './audit/index.js';
import { adminFeature } from './admin/index.js';

/**
 * Turing's features, in dependency order: quotas first (every feature checks
 * against them), jobs needs the catalog that environments provides, models
 * publish jobs' model outputs, and admin reads what all of them provide.
 */
export const FEATURES: readonly Feature[] = [
  quotasFeature,
  environmentsFeature,
  jobsFeature,
  modelsFeature,
  auditFeature,
  adminFeature,
];

// Merged once (it also refuses a key two features claim); the explicit spread keeps the fields' types.
const merged = configSectionOf(FEATURES);
const section = {
  fields: {
    ...environmentsFeature.config.fields,
    ...jobsFeature.config.fields,
    ...modelsFeature.config.fields,
    ...quotasFeature.config.fields,
    ...auditFeature.config.fields,
    ...adminFeature.config.fields,
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
