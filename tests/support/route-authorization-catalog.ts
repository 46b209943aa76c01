import { loadCatalog } from '../../hub-proxy/src/environments/index.js';
import type { Caller, MatrixFixtures, RequestPlan, RouteAuthorization } from './route-authorization.js';

/**
 * What the catalog routes need beyond the shared fixtures and plans (the
 * lead adds both to route-authorization.ts when merging): a way to call the
 * API as the admin, to read the current ETag and to create an environment
 * to delete, and request headers, for `If-Match`.
 */
export interface CatalogMatrixFixtures {
  /** Calls `{prefix}<path>` with the admin's token. */
  asAdmin(path: string, init?: RequestInit): Promise<Response>;
}
/** A {@link RequestPlan} with headers. */
export type CatalogRequestPlan = RequestPlan & { headers?: Record<string, string> };

const ADMIN = '/api/v1/admin/environments';
const seedEntry = () => {
  const cpuBase = loadCatalog().environments.find((e) => e.id === 'cpu-base');
  if (!cpuBase) throw new Error('the seed catalog has no cpu-base');
  return cpuBase;
};
let serial = 0;

/** A valid new environment with an id of its own. */
function freshEnvironment(prefix: string): Record<string, unknown> {
  serial += 1;
  return { ...seedEntry(), id: `${prefix}-${Date.now().toString(36)}-${serial}`, default: false };
}

function asAdmin(fixtures: MatrixFixtures): CatalogMatrixFixtures['asAdmin'] {
  const call = (fixtures as MatrixFixtures & Partial<CatalogMatrixFixtures>).asAdmin;
  if (!call) throw new Error('the matrix fixtures need asAdmin() for the catalog routes');
  return call;
}

/** The catalog's current ETag, read as the admin. */
async function currentEtag(fixtures: MatrixFixtures): Promise<string> {
  const res = await asAdmin(fixtures)(ADMIN);
  const etag = res.headers.get('etag');
  if (res.status !== 200 || !etag) throw new Error(`GET ${ADMIN} as admin: ${res.status}, ETag ${etag}`);
  return etag;
}

/**
 * Only the admin's call must succeed; users are refused (403) before the
 * version is looked at, so their plans need no ETag.
 */
async function ifMatch(fixtures: MatrixFixtures, caller: Caller): Promise<Record<string, string>> {
  return caller === 'admin' ? { 'If-Match': await currentEtag(fixtures) } : { 'If-Match': '"0"' };
}

/** The admin catalog editor's routes (environments feature). */
export const CATALOG_ROUTE_AUTHORIZATION: Record<string /* operationId */, RouteAuthorization> = {
  adminListEnvironments: { scope: 'admin' },
  adminCreateEnvironment: {
    scope: 'admin',
    request: async (f, caller): Promise<CatalogRequestPlan> => ({
      json: freshEnvironment('matrix'),
      headers: await ifMatch(f, caller),
    }),
  },
  adminReplaceEnvironment: {
    scope: 'admin',
    request: async (f, caller): Promise<CatalogRequestPlan> => ({
      params: { id: 'cpu-base' },
      json: seedEntry(),
      headers: await ifMatch(f, caller),
    }),
  },
  adminDeleteEnvironment: {
    scope: 'admin',
    request: async (f, caller): Promise<CatalogRequestPlan> => {
      if (caller !== 'admin') return { params: { id: 'cpu-base' }, headers: { 'If-Match': '"0"' } };
      // The admin deletes an environment of its own, so the fixtures' catalog stays whole.
      const entry = freshEnvironment('matrix-delete');
      const created = await asAdmin(f)(ADMIN, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'If-Match': await currentEtag(f) },
        body: JSON.stringify(entry),
      });
      const etag = created.headers.get('etag');
      if (created.status !== 201 || !etag) throw new Error(`creating ${String(entry.id)}: ${created.status}`);
      return { params: { id: String(entry.id) }, headers: { 'If-Match': etag } };
    },
  },
  adminPreviewEnvironment: { scope: 'admin', request: () => ({ json: freshEnvironment('matrix-preview') }) },
};
