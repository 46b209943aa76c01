import type { HubClient, HubServer } from '../auth/hub-client.js';
import type { Identity } from '../auth/identity.js';
import {
  defaultEnvironment,
  resolveStoredUserOptions,
  userOptionText,
  type Catalog,
} from './catalog/index.js';
import {
  DEFAULT_GPU_TYPE_LABEL,
  type GpuAvailability,
  type GpuTypeAvailability,
} from './gpu-availability.js';
import { GpuQuotaService, type GpuQuota } from './gpu-quota-service.js';
import { serverGpus, type QuotaSettings } from './quota.js';
import type { EnvironmentView, EnvironmentsView, ServerSelection } from './schemas.js';

// The view types are the response schemas' (environments/schemas.ts).
export type {
  EnvironmentView,
  EnvironmentsView,
  GpuTypeView,
  ServerSelection,
  ServerView,
} from './schemas.js';

/** Live GPU counts, when a cluster is being watched (the Kubernetes runtime). */
export interface GpuAvailabilitySource {
  /** True once the node and pod caches have listed everything. */
  synced(): boolean;
  availability(): GpuAvailability;
}

/** The catalog entries in the API's shape. */
export function environmentViews(catalog: Catalog): EnvironmentView[] {
  const preselected = defaultEnvironment(catalog).id;
  return catalog.environments.map((env) => ({
    id: env.id,
    displayName: env.displayName,
    description: env.description,
    image: env.image,
    default: env.id === preselected,
    versions: env.versions,
    ...(env.gpu ? { gpu: env.gpu } : {}),
    resources: env.resources,
    tags: env.tags,
  }));
}

/**
 * Free GPUs per catalog GPU type. A type is matched to the cluster's counts
 * through the `nvidia.com/gpu.product` value of its node selector; without a
 * source (no cluster) or before the caches sync, every count is 0 and
 * `available` is false.
 */
export function gpuTypeViews(
  catalog: Catalog,
  source: GpuAvailabilitySource | undefined,
): EnvironmentsView['gpus'] {
  const available = source?.synced() ?? false;
  const byProduct = new Map<string, GpuTypeAvailability>(
    available && source ? source.availability().types.map((t) => [t.type, t]) : [],
  );
  const types = Object.entries(catalog.gpuTypes).map(([type, gpuType]) => {
    const product = gpuType.nodeSelector[DEFAULT_GPU_TYPE_LABEL] ?? null;
    const counts = product === null ? undefined : byProduct.get(product);
    return {
      type,
      displayName: gpuType.displayName,
      product,
      free: counts?.free ?? 0,
      allocatable: counts?.allocatable ?? 0,
      largestFreeOnOneNode: counts?.largestFreeOnOneNode ?? 0,
    };
  });
  return { available, types };
}

/** Reads the environment, GPU count and type back from a server's user_options. */
export function serverSelection(catalog: Catalog, userOptions: Record<string, unknown>): ServerSelection {
  const resolved = resolveStoredUserOptions(catalog, userOptions);
  if (resolved.ok) {
    const { environment, gpus, gpuType } = resolved.value;
    return { environment: environment.id, gpus, ...(gpuType ? { gpuType } : {}) };
  }
  // Options the catalog no longer offers: report them as they are.
  const gpuType = userOptionText(userOptions.gpu_type);
  return {
    environment: userOptionText(userOptions.profile) ?? '',
    gpus: serverGpus(catalog, userOptions),
    ...(gpuType ? { gpuType } : {}),
  };
}

/** Everything the environments panel needs: the catalog, live GPUs, the quota and what runs now. */
export class EnvironmentsService {
  private readonly gpuQuota: GpuQuota;

  constructor(
    private readonly deps: {
      catalog: Catalog;
      quotas: QuotaSettings;
      hub: Pick<HubClient, 'userServers'>;
      gpus?: GpuAvailabilitySource | undefined;
      /** The quota with every GPU holder (job runs); default: servers only. */
      gpuQuota?: GpuQuota | undefined;
    },
  ) {
    this.gpuQuota = deps.gpuQuota ?? new GpuQuotaService(deps);
  }

  /** The view for `identity`; services have no servers, so they see an unused quota. */
  async view(identity: Pick<Identity, 'name' | 'kind'>): Promise<EnvironmentsView> {
    const { catalog } = this.deps;
    const servers: HubServer[] =
      identity.kind === 'user'
        ? [...((await this.deps.hub.userServers(identity.name)) ?? new Map()).values()]
        : [];
    const current = servers.find((s) => s.name === '');
    const { maxGpus, usedGpus, remainingGpus } = await this.gpuQuota.usage(identity.name, { servers });
    return {
      environments: environmentViews(catalog),
      gpus: gpuTypeViews(catalog, this.deps.gpus),
      quota: { maxGpus, usedGpus, remainingGpus },
      ...(current ? { current: serverSelection(catalog, current.userOptions) } : {}),
      servers: servers.map((s) => ({
        serverName: s.name,
        ready: s.ready,
        pending: s.pending,
        ...serverSelection(catalog, s.userOptions),
      })),
    };
  }
}
