import { QuotaExceeded } from '../errors/index.js';
import { QUOTA_UNITS, type QuotaKey } from './limits.js';

/** Seconds a caller refused by `concurrentRuns` is told to wait: about how long a short run takes. */
export const CONCURRENT_RUNS_RETRY_AFTER_SECONDS = 30;

/** How the owner frees some of each quota, for the message. */
const REMEDIES: Record<QuotaKey, string> = {
  gpus: 'stop a server, cancel a run or lower a model’s replicas',
  concurrentRuns: 'cancel a run or wait for one to finish',
  scheduledJobs: 'remove a schedule or delete a scheduled job',
  modelReplicas: 'lower a model’s replicas or disable a model',
  artifactBytes: 'delete old runs or models',
};

/** What the refused request asked for, when it asked for more than one. */
export interface QuotaRequest {
  /** How much the request adds (default 1). */
  adds?: number;
  /** Whose quota, for the message when an admin acts for someone: `alice's`. Default `your`. */
  owner?: string;
}

/**
 * The refusal of a request that would take `used` past `limit`: 429 with
 * Retry-After for `concurrentRuns` (a run finishing frees one), 403 for the
 * others (only the owner's action or a raised quota helps). Reads e.g.
 * "Quota concurrentRuns exceeded: 3 of 3 runs in use; cancel a run or wait
 * for one to finish, or ask an admin to raise your quota."
 */
export function quotaExceeded(
  key: QuotaKey,
  limit: number,
  used: number,
  request: QuotaRequest = {},
): QuotaExceeded {
  const { unit } = QUOTA_UNITS[key];
  const adds = request.adds ?? 1;
  const more = adds === 1 ? '' : `, and this request needs ${adds} more`;
  const whose = request.owner === undefined ? 'your' : `${request.owner}’s`;
  const message =
    `Quota ${key} exceeded: ${used} of ${limit} ${unit} in use${more}; ` +
    `${REMEDIES[key]}, or ask an admin to raise ${whose} quota.`;
  return key === 'concurrentRuns'
    ? new QuotaExceeded(key, limit, used, message, CONCURRENT_RUNS_RETRY_AFTER_SECONDS)
    : new QuotaExceeded(key, limit, used, message, undefined, { persistence: 'permanent' });
}

/** Throws {@link quotaExceeded} when `used + adds` is over `limit`; zero always fits. */
export function assertWithinQuota(
  key: QuotaKey,
  limit: number,
  used: number,
  request: QuotaRequest = {},
): void {
  const adds = request.adds ?? 1;
  if (adds > 0 && used + adds > limit) throw quotaExceeded(key, limit, used, request);
}
