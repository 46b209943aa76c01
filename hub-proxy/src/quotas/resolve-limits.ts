import { QUOTA_KEYS, type Limits, type LimitSource, type QuotaKey, type QuotasDocument } from './limits.js';

/** A user's limits and where each came from. */
export interface ResolvedLimits {
  limits: Limits;
  sources: Record<QuotaKey, LimitSource>;
}

/**
 * The limits of `user` in `groups`, per quota: the user's own entry, else
 * the HIGHEST value among their groups that set it (being in a generous
 * group never lowers a quota), else the defaults. Ties between groups go to
 * the first name in sort order, so the reported source is stable.
 */
export function resolveLimits(
  document: QuotasDocument,
  user: string,
  groups: readonly string[],
): ResolvedLimits {
  const own = Object.hasOwn(document.users, user) ? document.users[user] : undefined;
  const memberOf = [...new Set(groups)].filter((group) => Object.hasOwn(document.groups, group)).sort();
  const limits = {} as Limits;
  const sources = {} as Record<QuotaKey, LimitSource>;
  for (const key of QUOTA_KEYS) {
    const mine = own?.[key];
    if (mine !== undefined) {
      limits[key] = mine;
      sources[key] = 'user';
      continue;
    }
    let best: { value: number; group: string } | undefined;
    for (const group of memberOf) {
      const value = document.groups[group]?.[key];
      if (value !== undefined && (best === undefined || value > best.value)) best = { value, group };
    }
    if (best) {
      limits[key] = best.value;
      sources[key] = `group:${best.group}`;
    } else {
      limits[key] = document.defaults[key];
      sources[key] = 'default';
    }
  }
  return { limits, sources };
}
