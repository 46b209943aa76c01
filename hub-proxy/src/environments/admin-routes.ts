import { defineRoute, type RouteDefinition } from '../http/route.js';
import {
  adminCatalogSchema,
  adminCatalogVersionSchema,
  adminEnvironmentWriteSchema,
  adminProfilePreviewSchema,
  environmentEntryBodySchema,
  environmentIdParams,
  type AdminEnvironmentView,
} from './admin-schemas.js';
import { environmentProfile, type Catalog, type Environment } from './catalog/index.js';
import type { CatalogSource } from './catalog-source.js';
import { expectedVersion, withEtag } from '../http/if-match.js';

const tags = ['admin'];
const IF_MATCH =
  'Send `If-Match` with the ETag of your last read: without it 428, with an older one 409 ' +
  '(`currentVersion` in the problem).';

function adminView(catalog: Catalog, env: Environment): AdminEnvironmentView {
  return { ...env, disabled: env.disabled === true, profile: environmentProfile(catalog, env) };
}

/** The entry with `id` in an edited catalog (it was just validated, so it is there). */
function entry(catalog: Catalog, id: string): Environment {
  const env = catalog.environments.find((e) => e.id === id);
  if (!env) throw new Error(`environment ${id} missing after the edit`);
  return env;
}

/**
 * `/api/v1/admin/environments`: the catalog editor. Reads give the version
 * as `ETag`; every write names it in `If-Match`, and a stale one gets 409,
 * so two admins never silently overwrite each other. Entries are judged by
 * the catalog file's rules (422 with the same `environments[<id>].<field>`
 * problems). Edits take effect at once here and, through the store's
 * watch, on the other replicas.
 */
export function environmentAdminRoutes(source: CatalogSource): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/environments',
      operationId: 'adminListEnvironments',
      summary: 'The whole environment catalog, disabled environments included, with the profile each yields',
      description: 'The `ETag` header carries `version`; send it back in `If-Match` to edit.',
      tags,
      auth: 'admin',
      response: adminCatalogSchema,
      handler: async ({ res }) => {
        const { version, catalog, problems } = await source.document();
        return withEtag(res, {
          version,
          gpuTypes: catalog.gpuTypes,
          items: catalog.environments.map((env) => adminView(catalog, env)),
          ...(problems.length > 0 ? { problems } : {}),
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/environments',
      operationId: 'adminCreateEnvironment',
      summary: 'Add an environment to the catalog',
      description: `${IF_MATCH} 409 also when the id is taken; 422 for an invalid entry.`,
      tags,
      auth: 'admin',
      body: environmentEntryBodySchema,
      response: adminEnvironmentWriteSchema,
      status: 201,
      handler: async ({ body, req, res }) => {
        const edit = await source.createEnvironment(body, expectedVersion(req.get('If-Match')));
        const id = String(body.id);
        return withEtag(res, {
          version: edit.version,
          item: adminView(edit.catalog, entry(edit.catalog, id)),
        });
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/admin/environments/:id',
      operationId: 'adminReplaceEnvironment',
      summary: 'Replace an environment as a whole (disable it with `disabled: true`)',
      description: `${IF_MATCH} The body's \`id\`, if given, must be the path's; 404 for an unknown id; 422 for an invalid entry.`,
      tags,
      auth: 'admin',
      params: environmentIdParams,
      body: environmentEntryBodySchema,
      response: adminEnvironmentWriteSchema,
      handler: async ({ params, body, req, res }) => {
        const edit = await source.replaceEnvironment(params.id, body, expectedVersion(req.get('If-Match')));
        return withEtag(res, {
          version: edit.version,
          item: adminView(edit.catalog, entry(edit.catalog, params.id)),
        });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/admin/environments/:id',
      operationId: 'adminDeleteEnvironment',
      summary: 'Remove an environment from the catalog (existing jobs keep their image)',
      description: `${IF_MATCH} 404 for an unknown id; 422 if it was the last enabled environment.`,
      tags,
      auth: 'admin',
      params: environmentIdParams,
      response: adminCatalogVersionSchema,
      handler: async ({ params, req, res }) => {
        const edit = await source.deleteEnvironment(params.id, expectedVersion(req.get('If-Match')));
        return withEtag(res, { version: edit.version });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/environments/preview',
      operationId: 'adminPreviewEnvironment',
      summary: 'The KubeSpawner profile an environment would yield, without saving it',
      description:
        'Judged as a save would be (replacing the entry with the same id, or added): 422 if invalid.',
      tags,
      auth: 'admin',
      body: environmentEntryBodySchema,
      response: adminProfilePreviewSchema,
      handler: ({ body }) => ({ profile: source.preview(body) }),
    }),
  ];
}
