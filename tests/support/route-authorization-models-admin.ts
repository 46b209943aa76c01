import type { RouteAuthorization } from './route-authorization.js';

/**
 * The admin listing of every user's models (issue 14): admins only, no
 * input needed. Scaling, disabling and revoking keys are the models API's
 * own routes (scope `owner`, which admins reach). The lead merges these
 * into ROUTE_AUTHORIZATION.
 */
export const MODELS_ADMIN_ROUTE_AUTHORIZATION: Record<string /* operationId */, RouteAuthorization> = {
  adminListModels: { scope: 'admin' },
};
