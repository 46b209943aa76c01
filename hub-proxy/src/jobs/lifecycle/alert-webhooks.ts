import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import type { WebhookCheck } from '../validation.js';
import { alertTarget, checkWebhookReachable } from './alerts.js';
import type { AlertsSettings } from './alerts-settings.js';
import { protectedEndpoints } from './protected-endpoints.js';
import { WebhookPolicy } from './webhook-policy.js';

/** What {@link alertWebhookPolicy} builds the policy from. */
export interface AlertWebhookPolicySources {
  config: Pick<Config, 'hubApiUrl' | 'listenHost' | 'listenPort'>;
  alerts: AlertsSettings;
  /** Where runners reach hub-proxy: one of its own addresses. */
  runnerApiUrl?: string | undefined;
  /** The current cluster's API server URL from the kubeconfig, with the kubernetes runtime. */
  kubeApiServer?: string | undefined;
}

/**
 * The webhook policy of this hub-proxy: the admin's `alerts.allowed*` lists,
 * and the hub's, hub-proxy's and the Kubernetes API's endpoints refused.
 */
export function alertWebhookPolicy(sources: AlertWebhookPolicySources): WebhookPolicy {
  return new WebhookPolicy({
    allowedHosts: sources.alerts.allowedHosts,
    allowedCidrs: sources.alerts.allowedCidrs,
    protectedEndpoints: protectedEndpoints({
      hubApiUrl: sources.config.hubApiUrl,
      listenHost: sources.config.listenHost,
      listenPort: sources.config.listenPort,
      runnerApiUrl: sources.runnerApiUrl,
      kubeApiServer: sources.kubeApiServer,
    }),
  });
}

/**
 * The create-time webhook check: policy, then one HEAD. Why a webhook
 * failed is logged at debug with its origin only (the path is a secret);
 * the user sees one generic message whatever the reason (see validation.ts).
 */
export function createTimeWebhookCheck(
  policy: WebhookPolicy,
  timeoutMs: number,
  logger: Logger,
): WebhookCheck {
  return async (url) => {
    const result = await checkWebhookReachable(url, { policy, timeoutMs });
    if (!result.reachable) {
      logger.debug(
        { target: alertTarget(url), reason: result.reason },
        'webhook refused at job create or update',
      );
    }
    return result;
  };
}
