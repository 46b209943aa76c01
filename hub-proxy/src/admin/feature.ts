import { GPU_CACHES } from '../environments/index.js';
import { defineFeature } from '../feature.js';
import { AdminBundle } from './admin-bundle.js';
import { adminConfig } from './config.js';
import { gpuUsageRoute } from './gpu-usage-route.js';
import { adminPageRoutes } from './page-routes.js';

/**
 * Admin: the GPU usage API (from the environments feature's node and pod
 * caches) and the admin UI's pages and assets. The other admin APIs belong
 * to the features whose objects they show (catalog, quotas, jobs, models,
 * audit).
 */
export const adminFeature = defineFeature({
  name: 'admin',
  config: adminConfig,
  create(context, settings) {
    const { config } = context;
    return {
      routes: [gpuUsageRoute(context.require(GPU_CACHES))],
      rawRoutes: adminPageRoutes({
        bundle: new AdminBundle(settings.adminUiDir),
        servicePrefix: config.servicePrefix,
        baseUrl: config.baseUrl,
        adminScope: config.adminScope,
      }),
    };
  },
});
