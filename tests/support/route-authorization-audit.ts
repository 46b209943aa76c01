import type { RouteAuthorization } from './route-authorization.js';

/** The audit log's routes (issue 14): admins only; both are reads and need no input. */
export const AUDIT_ROUTE_AUTHORIZATION: Record<string, RouteAuthorization> = {
  adminListAudit: { scope: 'admin', request: () => ({ query: { limit: '5' } }) },
  adminExportAudit: {
    scope: 'admin',
    request: () => ({ query: { since: new Date(Date.now() - 3_600_000).toISOString() } }),
  },
};
