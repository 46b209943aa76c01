/** The admin feature. Other folders import this file only. */
export { adminFeature } from './feature.js';
