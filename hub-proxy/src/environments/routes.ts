import { z } from 'zod';
import { HubClient } from '../auth/hub-client.js';
import { toProfileList, type Catalog } from './catalog/index.js';
import type { Config } from '../config/schema.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { EnvironmentsService, type GpuAvailabilitySource } from './service.js';
import { ServerSwitchService } from './server-switch.js';
import { serverProgressRoute, switchServerRoute } from './server-switch-routes.js';

const rangeSchema = z.object({ default: z.string(), max: z.string() });

/** One catalog environment as the API shows it. */
export const environmentSchema = z.object({
  id: z.string().meta({ description: 'Environment id; the KubeSpawner profile slug.' }),
  displayName: z.string(),
  description: z.string(),
  image: z.string(),
  default: z.boolean().meta({ description: 'The preselected environment.' }),
  versions: z.object({
    python: z.string(),
    cuda: z.string().optional(),
    cudnn: z.string().optional(),
    frameworks: z.record(z.string(), z.string()),
  }),
  gpu: z
    .object({
      vendor: z.string(),
      resource: z.string(),
      counts: z
        .array(z.number().int())
        .meta({ description: 'GPU counts on offer; the first is the default.' }),
      types: z.array(z.string()).meta({ description: 'GPU type ids; the first is the default.' }),
    })
    .optional()
    .meta({ description: 'Absent on CPU-only environments.' }),
  resources: z.object({ cpu: rangeSchema, memory: rangeSchema }),
  tags: z.array(z.string()),
});

const selectionSchema = z.object({
  environment: z.string(),
  gpus: z.number().int(),
  gpuType: z.string().optional(),
});

/** Body of `GET /api/v1/environments`. */
export const environmentsSchema = z.object({
  environments: z.array(environmentSchema),
  gpus: z.object({
    available: z
      .boolean()
      .meta({ description: 'False without live cluster data (local runtime, or caches not synced yet).' }),
    types: z.array(
      z.object({
        type: z.string().meta({ description: 'The catalog GPU type id.' }),
        displayName: z.string(),
        product: z.string().nullable().meta({ description: 'Its nvidia.com/gpu.product node label value.' }),
        free: z.number().int(),
        allocatable: z.number().int(),
        largestFreeOnOneNode: z.number().int(),
      }),
    ),
  }),
  quota: z.object({
    maxGpus: z.number().int(),
    usedGpus: z.number().int().meta({ description: 'GPUs held by all of your active servers.' }),
    remainingGpus: z.number().int(),
  }),
  current: selectionSchema
    .optional()
    .meta({ description: "Your default server's selection, if it is active." }),
  servers: z.array(
    selectionSchema.extend({
      serverName: z.string().meta({ description: '"" is the default server.' }),
      ready: z.boolean(),
      pending: z.string().nullable(),
    }),
  ),
});

/** The KubeSpawner traits a profile or choice sets; `null` deletes a key (KubeSpawner's merge). */
const overrideSchema = z.object({
  image: z.string().optional(),
  cpu_guarantee: z.number().optional(),
  cpu_limit: z.number().optional(),
  mem_guarantee: z.union([z.string(), z.number()]).optional(),
  mem_limit: z.union([z.string(), z.number()]).optional(),
  node_selector: z.record(z.string(), z.string().nullable()).optional(),
  tolerations: z
    .array(
      z.object({
        key: z.string().optional(),
        operator: z.string().optional(),
        value: z.string().optional(),
        effect: z.string().optional(),
        tolerationSeconds: z.number().optional(),
      }),
    )
    .optional(),
  extra_resource_limits: z.record(z.string(), z.string().nullable()).optional(),
});

/** One KubeSpawner 7 profile (see the catalog's profile-list rendering). */
const profileSchema = z.object({
  display_name: z.string(),
  slug: z.string(),
  description: z.string(),
  default: z.boolean().optional(),
  kubespawner_override: overrideSchema,
  profile_options: z
    .record(
      z.string(),
      z.object({
        display_name: z.string(),
        choices: z.record(
          z.string(),
          z.object({
            display_name: z.string(),
            default: z.boolean().optional(),
            kubespawner_override: overrideSchema,
          }),
        ),
        unlisted_choice: z.object({ enabled: z.boolean() }),
      }),
    )
    .optional(),
});

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
  const profiles = toProfileList(catalog);
  return defineRoute({
    method: 'get',
    path: '/api/v1/environments/profiles',
    operationId: 'listEnvironmentProfiles',
    summary: "The catalog as KubeSpawner 7's profile_list",
    description: 'Fetched by the hub (with a token holding the access scope) to render the spawn form.',
    tags: ['environments'],
    auth: 'user',
    response: z.array(profileSchema),
    handler: () => profiles,
  });
}

/** What {@link environmentRoutes} needs; the catalog is loaded once, at startup. */
export interface EnvironmentRoutesDeps {
  catalog: Catalog;
  config: Pick<Config, 'quotas' | 'servicePrefix' | 'hubApiUrl' | 'apiToken'>;
  /** Default: a client of `config.hubApiUrl` with the service's own token. */
  hub?: Pick<HubClient, 'userServers' | 'startServer' | 'stopServer' | 'openProgress'>;
  /** Live GPU counts; absent in the local runtime (no cluster). */
  gpus?: GpuAvailabilitySource | undefined;
  /** Override the stop wait of a switch (tests). */
  stopTimeoutMs?: number;
}

/** The environments feature's routes, for `startHubProxy`'s `extras.routes`. */
export function environmentRoutes(deps: EnvironmentRoutesDeps): RouteDefinition[] {
  const { catalog, config } = deps;
  const hub = deps.hub ?? new HubClient({ apiUrl: config.hubApiUrl, apiToken: config.apiToken });
  const environments = new EnvironmentsService({ catalog, quotas: config.quotas, hub, gpus: deps.gpus });
  const switcher = new ServerSwitchService({
    catalog,
    quotas: config.quotas,
    hub,
    servicePrefix: config.servicePrefix,
    ...(deps.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: deps.stopTimeoutMs }),
  });
  return [
    environmentsRoute(environments),
    environmentProfilesRoute(catalog),
    switchServerRoute(switcher),
    serverProgressRoute(switcher),
  ];
}
