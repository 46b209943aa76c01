/**
 * The quotas feature: per-user and per-group limits on GPUs, concurrent
 * runs, scheduled jobs, model replicas and artifact bytes, editable by
 * admins. Other folders import this file only.
 */
export { QUOTAS, quotasFeature } from './feature.js';
export { QuotaPolicy, type UsageMeter, type UserLimits, type VersionedQuotas } from './quota-policy.js';
export { assertWithinQuota, quotaExceeded, type QuotaRequest } from './quota-refusal.js';
export { QUOTA_KEYS, type Limits, type LimitSource, type QuotaKey, type QuotasDocument } from './limits.js';
export { quotasConfig, type QuotasSeedSettings, type QuotasSettings } from './config.js';
