import { defineRoute, type RouteDefinition } from '../http/route.js';
import { adminModelListSchema, adminModelsQuerySchema } from './admin-schemas.js';
import { adminModelView, byOwnerThenName } from './admin-view.js';
import type { WindowSummary } from './gateway/index.js';
import type { ModelsService } from './service.js';

/** Where the gateway's last-minute figures come from (the {@link ModelGateway}). */
export interface ModelTrafficSource {
  lastMinute(model: string): WindowSummary;
}

/**
 * `/api/v1/admin/models`: every user's models for the admin page. Scaling,
 * disabling and revoking keys use the models API itself, which admins may
 * call on any model.
 */
export function adminModelRoutes(models: ModelsService, traffic: ModelTrafficSource): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/models',
      operationId: 'adminListModels',
      summary: "Every user's models with replicas, versions, traffic split, gateway figures and API keys",
      description:
        'Owners A to Z, then names. `gateway` is what the answering replica saw in about the last minute. ' +
        'Scale with `PATCH /api/v1/models/{name}` `{ "replicas": { "min", "max" } }`, disable or enable ' +
        'with `{ "disabled": true | false }`, revoke a key with `DELETE /api/v1/models/{name}/api-keys/{id}`.',
      tags: ['admin'],
      auth: 'admin',
      query: adminModelsQuerySchema,
      response: adminModelListSchema,
      handler: async ({ identity, query }) => {
        const views = await models.list(identity, query.user);
        return {
          items: views.sort(byOwnerThenName).map((v) => adminModelView(v, traffic.lastMinute(v.name))),
        };
      },
    }),
  ];
}
