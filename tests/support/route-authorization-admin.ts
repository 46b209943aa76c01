import type { RouteAuthorization } from './route-authorization.js';

/**
 * The admin feature's JSON routes for the authorization matrix. The admin
 * pages (`admin/`, `admin/<page>`, `admin/assets/*`, the service root) are
 * raw routes outside the route table; `tests/integration/admin-pages.test.ts`
 * and `hub-proxy/src/admin/page-routes.test.ts` cover them.
 */
export const ADMIN_ROUTE_AUTHORIZATION: Record<string, RouteAuthorization> = {
  adminGetGpuUsage: { scope: 'admin' },
};
