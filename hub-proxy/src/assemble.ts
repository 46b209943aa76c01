import { assembleJobs, type AssembledJobs } from './jobs/feature.js';
import { HubClient } from './auth/hub-client.js';
import type { Catalog } from './environments/catalog/index.js';
import type { Config } from './config/schema.js';
import type { Logger } from './observability/logger.js';
import { environmentRoutes } from './environments/routes.js';
import { startKubernetesRuntime, type KubernetesRuntime } from './k8s/kubernetes-runtime.js';
import type { HubProxyExtras } from './server.js';

/** Everything `startHubProxy` needs beyond the config, plus the runtime for shutdown. */
export interface AssembledHubProxy {
  extras: HubProxyExtras;
  /** Present with `runtime: kubernetes`. */
  kubernetes?: KubernetesRuntime;
  jobs: AssembledJobs;
}

/**
 * Wires the features into hub-proxy: the Kubernetes runtime (when configured),
 * environments and jobs. main.ts and the in-process tests share it, so tests
 * run the same assembly as production.
 */
export function assembleHubProxy(config: Config, catalog: Catalog, logger: Logger): AssembledHubProxy {
  const kubernetes = config.runtime === 'kubernetes' ? startKubernetesRuntime(config, logger) : undefined;
  const jobs = assembleJobs(config, catalog, logger, kubernetes);
  const extras: HubProxyExtras = {
    logger,
    readinessChecks: [...(kubernetes?.extras.readinessChecks ?? []), ...jobs.extras.readinessChecks],
    statusProviders: { ...kubernetes?.extras.statusProviders },
    // The jobs runtime stops before the caches it reads from.
    shutdownHooks: [...jobs.extras.shutdownHooks, ...(kubernetes?.extras.shutdownHooks ?? [])],
  };
  const environments = environmentRoutes({
    catalog,
    config,
    hub: new HubClient({ apiUrl: config.hubApiUrl, apiToken: config.apiToken }),
    // No cluster in the local runtime: the API reports `gpus.available: false`.
    gpus: kubernetes && {
      synced: () => kubernetes.nodes.synced && kubernetes.clusterPods.synced,
      availability: () => kubernetes.gpuAvailability(),
    },
  });
  extras.routes = [...environments, ...jobs.extras.routes];
  return { extras, jobs, ...(kubernetes ? { kubernetes } : {}) };
}
