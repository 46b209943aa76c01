import { defineRoute, type RouteDefinition } from '../http/route.js';
import type { QuotaPolicy, VersionedQuotas } from './quota-policy.js';
import {
  myQuotasResponseSchema,
  quotasResponseSchema,
  quotaUsageQuerySchema,
  quotaUsageResponseSchema,
  replaceQuotasBodySchema,
} from './schemas.js';
import { expectedVersion, withEtag } from '../http/if-match.js';

function view({ version, document }: VersionedQuotas) {
  return { version, ...document };
}

/**
 * The quotas API: admins read and replace the document (ETag / If-Match)
 * and look at one user's limits and use; every user reads their own.
 */
export function quotaRoutes(policy: QuotaPolicy): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/quotas',
      operationId: 'adminGetQuotas',
      summary: 'The quotas: defaults, per hub group and per user',
      description: 'The `ETag` header (also `version`) is what a PUT sends back in `If-Match`.',
      tags: ['admin'],
      auth: 'admin',
      response: quotasResponseSchema,
      handler: async ({ res }) => withEtag(res, view(await policy.snapshot())),
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/admin/quotas',
      operationId: 'adminReplaceQuotas',
      summary: 'Replace the quotas document',
      description:
        'Needs `If-Match` with the ETag of your last read: missing is 428, stale is 409 (`currentVersion` ' +
        'names the version to reload). Invalid values are 422 with `errors[]` naming each field. Takes effect on ' +
        'the next request on every replica.',
      tags: ['admin'],
      auth: 'admin',
      body: replaceQuotasBodySchema,
      response: quotasResponseSchema,
      handler: async ({ req, res, body }) => {
        const replaced = await policy.replace(
          body,
          expectedVersion(
            req.headers['if-match'],
            'Send the version you are changing in the If-Match header: the ETag of your last GET /api/v1/admin/quotas.',
          ),
        );
        return withEtag(res, view(replaced));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/quotas/usage',
      operationId: 'adminGetQuotaUsage',
      summary: "One user's limits, what they use of each, and where each limit comes from",
      tags: ['admin'],
      auth: 'admin',
      query: quotaUsageQuerySchema,
      response: quotaUsageResponseSchema,
      handler: async ({ query }) => {
        const [resolved, used] = await Promise.all([policy.limitsFor(query.user), policy.usedBy(query.user)]);
        return {
          user: query.user,
          groups: resolved.groups,
          limits: resolved.limits,
          used,
          sources: resolved.sources,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/me/quotas',
      operationId: 'getMyQuotas',
      summary: 'Your quotas and what you use of each',
      description:
        'GPUs (servers, job runs and model replicas together), queued plus running runs, scheduled jobs, ' +
        "model replicas (the sum of `replicas.max` over your enabled models) and your artifacts' bytes.",
      tags: ['me'],
      auth: 'user',
      response: myQuotasResponseSchema,
      handler: async ({ identity }) => {
        const [resolved, used] = await Promise.all([
          policy.limitsFor(identity.name),
          policy.usedBy(identity.name),
        ]);
        return { limits: resolved.limits, used };
      },
    }),
  ];
}
