/** The audit feature. Other folders import this file only. */
export { auditFeature } from './feature.js';
