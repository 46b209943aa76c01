import { z } from 'zod';
import { HubClient } from '../auth/hub-client.js';
import { toProfileList, type Catalog } from './catalog/index.js';
import type { Config } from '../config/schema.js';
import { DEFAULT_QUOTA_SETTINGS, type QuotaSettings } from './quota.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { EnvironmentsService, type GpuAvailabilitySource } from './service.js';
import { environmentsSchema, profileSchema } from './schemas.js';
import { ServerSwitchService } from './server-switch.js';
import { serverProgressRoute, switchServerRoute } from './server-switch-routes.js';
import { GpuQuotaService, type GpuQuota } from './gpu-quota-service.js';
import { quotaCheckRoute } from './quota-check-route.js';

/** `GET {prefix}api/v1/environments`: the catalog, live GPUs, the caller's quota and current selection. */
export function environmentsRoute(service: EnvironmentsService): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: '/api/v1/environments',
    operationId: 'listEnvironments',
    summary: 'The environment catalog, free GPUs per type, your GPU quota and what your servers run',
    tags: ['environments'],
    auth: 'user',
    response: environmentsSchema,
    handler: ({ identity }) => service.view(identity),
  });
}

/**
 * `GET {prefix}api/v1/environments/profiles`: the catalog as KubeSpawner's
 * `profile_list`. The hub's `profile_list` callable fetches it with a token
 * that holds the access scope (see helm/turing/files/turing_profiles.py).
 */
export function environmentProfilesRoute(catalog: Catalog): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: '/api/v1/environments/profiles',
    operationId: 'listEnvironmentProfiles',
    summary: "The catalog as KubeSpawner 7's profile_list",
    description: 'Fetched by the hub (with a token holding the access scope) to render the spawn form.',
    tags: ['environments'],
    auth: 'user',
    response: z.array(profileSchema),
    // Rendered per request: the catalog is live (admins edit it).
    handler: () => toProfileList(catalog),
  });
}

/** What {@link environmentRoutes} needs; `catalog` may be a live view (read per request). */
export interface EnvironmentRoutesDeps {
  catalog: Catalog;
  config: Pick<Config, 'servicePrefix' | 'hubApiUrl' | 'apiToken' | 'serviceName'> & {
    /** Fixed GPU quotas when no `gpuQuota` is given (tests); default 2 GPUs each. */
    quotas?: QuotaSettings;
  };
  /** Default: a client of `config.hubApiUrl` with the service's own token. */
  hub?: Pick<HubClient, 'userServers' | 'startServer' | 'stopServer' | 'openProgress'>;
  /** Live GPU counts; absent in the local runtime (no cluster). */
  gpus?: GpuAvailabilitySource | undefined;
  /** The GPU quota with every holder registered (job runs); default: servers only. */
  gpuQuota?: GpuQuota;
  /** Override the stop wait of a switch (tests). */
  stopTimeoutMs?: number;
}

/** The environments feature's routes, for `startHubProxy`'s `extras.routes`. */
export function environmentRoutes(deps: EnvironmentRoutesDeps): RouteDefinition[] {
  const { catalog, config } = deps;
  const hub = deps.hub ?? new HubClient({ apiUrl: config.hubApiUrl, apiToken: config.apiToken });
  // Only read when no gpuQuota is given: the services below always get one.
  const quotas = config.quotas ?? DEFAULT_QUOTA_SETTINGS;
  const gpuQuota = deps.gpuQuota ?? new GpuQuotaService({ catalog, quotas, hub });
  const environments = new EnvironmentsService({
    catalog,
    quotas,
    hub,
    gpus: deps.gpus,
    gpuQuota,
  });
  const switcher = new ServerSwitchService({
    catalog,
    quotas,
    hub,
    gpuQuota,
    servicePrefix: config.servicePrefix,
    ...(deps.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: deps.stopTimeoutMs }),
  });
  return [
    environmentsRoute(environments),
    environmentProfilesRoute(catalog),
    switchServerRoute(switcher, catalog),
    serverProgressRoute(switcher),
    quotaCheckRoute({ gpuQuota, catalog, serviceName: config.serviceName }),
  ];
}
