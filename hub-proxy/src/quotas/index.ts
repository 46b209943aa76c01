/** The quotas feature. Other folders import this file only. */
export { quotasFeature } from './feature.js';
