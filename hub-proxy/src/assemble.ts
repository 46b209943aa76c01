import { HubClient } from './auth/hub-client.js';
import { mergeConfigSections } from './config/config-section.js';
import type { Config } from './config/schema.js';
import type { Feature, FeatureContext, FeatureParts, ServiceKey } from './feature.js';
import { startCluster, type Cluster } from './k8s/cluster.js';
import type { Logger } from './observability/logger.js';
import type { HubProxyExtras } from './server.js';

/** Everything `startHubProxy` needs beyond the config, plus the cluster for shutdown. */
export interface AssembledHubProxy {
  extras: Required<
    Pick<
      HubProxyExtras,
      | 'routes'
      | 'rawRoutes'
      | 'listeners'
      | 'readinessChecks'
      | 'statusProviders'
      | 'shutdownHooks'
      | 'requestObservers'
    >
  >;
  /** Present with `runtime: kubernetes`. */
  cluster?: Cluster;
  /** Hands the controllers' Lease over at once (a no-op without a cluster); call first on SIGTERM. */
  releaseLeadership(): Promise<boolean>;
}

/** Thrown when a feature cannot be built; main.ts prints the message and exits 1. */
export class AssemblyError extends Error {
  constructor(part: string, cause: unknown) {
    super(`${part}: ${(cause as Error).message}`, { cause });
    this.name = 'AssemblyError';
  }
}

/** The config section of all `features` together, for `loadConfig`. */
export function configSectionOf(features: readonly Feature[]) {
  return mergeConfigSections(features.map((f) => f.config));
}

/**
 * Builds hub-proxy from a list of features: the cluster (with
 * `runtime: kubernetes`), then each feature in order, merging what each
 * gives (routes, readiness checks, status sections, shutdown hooks). It
 * knows no feature by name; main.ts and the in-process tests share it, so
 * tests run the same assembly as production.
 */
export function assembleHubProxy(
  config: Config,
  features: readonly Feature[],
  logger: Logger,
): AssembledHubProxy {
  let cluster: Cluster | undefined;
  try {
    cluster = config.runtime === 'kubernetes' ? startCluster(config, logger) : undefined;
  } catch (err) {
    throw new AssemblyError('cannot start the Kubernetes runtime', err);
  }
  const services = new Map<ServiceKey<unknown>, unknown>();
  const context: FeatureContext = {
    config,
    logger,
    hub: new HubClient({ apiUrl: config.hubApiUrl, apiToken: config.apiToken }),
    cluster,
    provide: (key, value) => void services.set(key, value),
    require: <T>(key: ServiceKey<T>): T => {
      if (!services.has(key)) throw new Error(`needs "${key.name}", which no earlier feature provides`);
      return services.get(key) as T;
    },
  };
  const parts: FeatureParts[] = [];
  for (const feature of features) {
    try {
      // The merged schema validated every feature's keys, so the config holds this feature's settings.
      parts.push(feature.create(context, config as never));
    } catch (err) {
      void cluster?.stop();
      throw new AssemblyError(feature.name, err);
    }
  }
  return {
    extras: {
      routes: parts.flatMap((p) => p.routes ?? []),
      rawRoutes: parts.flatMap((p) => p.rawRoutes ?? []),
      listeners: parts.flatMap((p) => p.listeners ?? []),
      requestObservers: parts.flatMap((p) => p.requestObservers ?? []),
      readinessChecks: [
        ...(cluster?.readinessChecks ?? []),
        ...parts.flatMap((p) => p.readinessChecks ?? []),
      ],
      statusProviders: Object.assign(
        {},
        cluster?.statusProviders,
        ...parts.map((p) => p.statusProviders ?? {}),
      ),
      // Features stop in reverse order, before the cluster's controllers and caches they read.
      shutdownHooks: [
        ...parts.flatMap((p) => p.shutdownHooks ?? []).reverse(),
        ...(cluster ? [{ name: 'stop the cluster controllers and caches', run: () => cluster.stop() }] : []),
      ],
    },
    ...(cluster ? { cluster } : {}),
    releaseLeadership: () => cluster?.releaseLeadership() ?? Promise.resolve(false),
  };
}
