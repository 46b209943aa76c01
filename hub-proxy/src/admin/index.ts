/** The admin feature: GPU usage and the admin pages. Other folders import this file only. */
export { adminFeature } from './feature.js';
export { adminConfig, DEFAULT_ADMIN_UI_DIR, type AdminSettings } from './config.js';
export { gpuUsageSchema, type GpuUsage } from './gpu-usage-schema.js';
