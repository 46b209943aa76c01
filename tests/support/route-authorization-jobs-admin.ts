import type { RouteAuthorization } from './route-authorization.js';

/**
 * The admin listings of every user's jobs and runs (issue 14): admins only,
 * no input needed. The lead merges these into ROUTE_AUTHORIZATION.
 */
export const JOBS_ADMIN_ROUTE_AUTHORIZATION: Record<string /* operationId */, RouteAuthorization> = {
  adminListJobs: { scope: 'admin' },
  adminListRuns: { scope: 'admin' },
};
