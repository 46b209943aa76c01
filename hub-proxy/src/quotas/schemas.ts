import { z } from 'zod';
import { limitsSchema, partialLimitsSchema, QUOTA_KEYS, type QuotaKey } from './limits.js';

/** The quotas document as the admin API shows it, with the version to send back in If-Match. */
export const quotasResponseSchema = z.object({
  version: z.string().meta({ description: 'Also the ETag; send it as If-Match with a PUT.' }),
  defaults: limitsSchema,
  groups: z.record(z.string(), partialLimitsSchema).meta({ description: 'Hub group -> the quotas it sets.' }),
  users: z.record(z.string(), partialLimitsSchema).meta({ description: 'Hub user -> the quotas they have.' }),
});

/**
 * Body of `PUT /api/v1/admin/quotas`: the whole document. Validated by the
 * handler, so bad values come back as 422 naming each field
 * (`users.alice.gpus: must be ≥ 0`), as the catalog editor's do.
 */
export const replaceQuotasBodySchema = z.record(z.string(), z.unknown()).meta({
  description:
    '`{ defaults: Limits, groups: { <group>: Partial<Limits> }, users: { <user>: Partial<Limits> } }`; ' +
    `the quotas are ${QUOTA_KEYS.map((k) => `\`${k}\``).join(', ')}, each a whole number ≥ 0.`,
});

const sourceSchema = z
  .string()
  .regex(/^(user|default|group:.+)$/)
  .meta({ description: '`user`, `group:<name>` or `default`.' });

/** `GET /api/v1/admin/quotas/usage`: one user's limits, use and where each limit came from. */
export const quotaUsageResponseSchema = z.object({
  user: z.string(),
  groups: z.array(z.string()).meta({ description: "The user's hub groups, as resolved." }),
  limits: limitsSchema,
  used: limitsSchema,
  sources: z.object(
    Object.fromEntries(QUOTA_KEYS.map((key) => [key, sourceSchema])) as Record<QuotaKey, typeof sourceSchema>,
  ),
});

/** `GET /api/v1/me/quotas`: the caller's limits and use. */
export const myQuotasResponseSchema = z.object({ limits: limitsSchema, used: limitsSchema });

/** Query of the usage route. */
export const quotaUsageQuerySchema = z.strictObject({
  user: z.string().min(1).max(255).meta({ description: 'The hub user.' }),
});
