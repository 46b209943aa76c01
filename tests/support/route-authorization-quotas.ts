import type { Caller, MatrixFixtures, RequestPlan, RouteAuthorization } from './route-authorization.js';

/**
 * The quotas routes' matrix entries. Like the catalog's, the admin's PUT
 * needs the admin fixture call (`asAdmin`, see route-authorization-catalog.ts)
 * to read the document and its ETag, and request headers for `If-Match`.
 */
type QuotasRequestPlan = RequestPlan & { headers?: Record<string, string> };

const ADMIN_QUOTAS = '/api/v1/admin/quotas';

/** The current document (without `version`) and its ETag, read as the admin. */
async function currentQuotas(fixtures: MatrixFixtures): Promise<{ document: unknown; etag: string }> {
  const asAdmin = (fixtures as MatrixFixtures & { asAdmin?: (path: string) => Promise<Response> }).asAdmin;
  if (!asAdmin) throw new Error('the matrix fixtures need asAdmin() for the quotas routes');
  const res = await asAdmin(ADMIN_QUOTAS);
  const etag = res.headers.get('etag');
  if (res.status !== 200 || !etag)
    throw new Error(`GET ${ADMIN_QUOTAS} as admin: ${res.status}, ETag ${etag}`);
  const { version: _version, ...document } = (await res.json()) as Record<string, unknown>;
  return { document, etag };
}

/** The admin writes the document back unchanged, so the other routes' quotas stay as they were. */
async function replaceUnchanged(fixtures: MatrixFixtures, caller: Caller): Promise<QuotasRequestPlan> {
  if (caller !== 'admin') {
    // Users are refused (403) before the body or the version is looked at.
    return { json: { defaults: {}, groups: {}, users: {} }, headers: { 'If-Match': '"0"' } };
  }
  const { document, etag } = await currentQuotas(fixtures);
  return { json: document, headers: { 'If-Match': etag } };
}

/** The quotas feature's routes. */
export const QUOTAS_ROUTE_AUTHORIZATION: Record<string /* operationId */, RouteAuthorization> = {
  adminGetQuotas: { scope: 'admin' },
  adminReplaceQuotas: { scope: 'admin', request: replaceUnchanged },
  adminGetQuotaUsage: { scope: 'admin', request: (f) => ({ query: { user: f.owner } }) },
  getMyQuotas: { scope: 'caller' },
};
