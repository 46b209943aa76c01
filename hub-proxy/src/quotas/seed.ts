import { BUILT_IN_DEFAULTS, type QuotasSeedSettings } from './config.js';
import type { Limits, QuotasDocument } from './limits.js';

/**
 * The first document, from the config: `defaultMaxGpus` and `users`
 * (GPUs per user) as before the quotas were editable, the other defaults
 * from `quotas.defaults`, else from the settings they replace (`legacy`:
 * `artifacts.maxOwnerBytes`), else the built-in caps.
 */
export function seedQuotas(settings: QuotasSeedSettings, legacy: Partial<Limits> = {}): QuotasDocument {
  const { gpus, ...others } = settings.defaults;
  const defined = Object.fromEntries(Object.entries(others).filter(([, value]) => value !== undefined));
  return {
    defaults: { gpus: gpus ?? settings.defaultMaxGpus, ...BUILT_IN_DEFAULTS, ...legacy, ...defined },
    groups: {},
    users: Object.fromEntries(
      Object.entries(settings.users).map(([user, maxGpus]) => [user, { gpus: maxGpus }]),
    ),
  };
}
