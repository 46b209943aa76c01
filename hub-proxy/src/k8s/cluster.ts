import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import {
  observeKubeRequest,
  recordInformerEvent,
  setCacheSize,
  setInformerSynced,
} from '../observability/metrics.js';
import type { ReadinessCheck } from '../observability/readiness.js';
import type { StatusProvider } from '../observability/status.js';
import { LABELS } from '../ownership/labels.js';
import { ControllerManager } from './controller/index.js';
import { InformerCache, type InformerCacheOptions, type InformerMetricsHooks } from './informer-cache.js';
import { createKubeClients, type KubeClients } from './kube-clients.js';
import { LeaderElector } from './leader-election.js';
import { trimPod } from './pod-trim.js';
import { KubeReadiness } from './readiness.js';

/** Options of {@link Cluster.watch}: a cache without its metrics hooks, which the cluster supplies. */
export type WatchOptions<T extends KubernetesObject> = Omit<
  InformerCacheOptions<T>,
  'onCacheSize' | 'onRequest' | 'kubeConfig' | 'logger'
>;

/**
 * The Kubernetes half of hub-proxy, shared by every feature: clients, the
 * caches (each registered once for readiness, status and metrics), the
 * controllers' Lease and the {@link ControllerManager} that runs controllers
 * only while this replica holds it. Features add caches and controllers;
 * the cluster knows none of them by name.
 */
export interface Cluster {
  readonly clients: KubeClients;
  readonly elector: LeaderElector;
  readonly controllers: ControllerManager;
  /** Pods Turing created (labelled with an owner), trimmed by `trimPod` (pod-trim.ts). */
  readonly ownedPods: InformerCache<V1Pod>;
  /** Creates, registers and starts a cache whose metrics, readiness and status go by `label`. */
  watch<T extends KubernetesObject>(label: string, options: WatchOptions<T>): InformerCache<T>;
  /** Metrics hooks for a cache another component constructs; register it with {@link register}. */
  hooks(label: string): InformerMetricsHooks;
  /** Registers a cache built elsewhere (started by its owner) for readiness, status and events. */
  register(label: string, cache: InformerCache<KubernetesObject>): void;
  /** Each registered cache's sync state and size, by label. */
  cacheStatus(): Record<string, { synced: boolean; size: number }>;
  /**
   * Hands the Lease over at once instead of after it expires. Called first on
   * SIGTERM, before requests drain, so controllers stop acting straight away.
   */
  releaseLeadership(): Promise<boolean>;
  readonly readinessChecks: ReadinessCheck[];
  readonly statusProviders: Record<string, StatusProvider>;
  /** Stops the controllers, then the caches. */
  stop(): Promise<void>;
}

/**
 * Connects to the cluster, starts the owned-pods cache, enters leader
 * election and starts the controller manager. Caches run on every replica
 * (they serve reads); controllers only on the leader.
 */
export function startCluster(
  config: Pick<Config, 'namespace' | 'kubeconfigPath' | 'leaseName' | 'leaseDurationSeconds'>,
  logger: Logger,
): Cluster {
  const clients = createKubeClients({
    namespace: config.namespace,
    ...(config.kubeconfigPath ? { kubeconfigPath: config.kubeconfigPath } : {}),
  });
  const log = logger.child({ component: 'kubernetes' });
  const caches = new Map<string, InformerCache<KubernetesObject>>();
  const readiness = new KubeReadiness();

  const hooks = (label: string): InformerMetricsHooks => ({
    onCacheSize: (_resource, size) => setCacheSize(label, size),
    onRequest: (verb, _resource, outcome) =>
      observeKubeRequest({ verb, resource: label, code: outcome === 'success' ? 'ok' : 'error' }),
  });
  const register = (label: string, cache: InformerCache<KubernetesObject>): void => {
    if (caches.has(label)) throw new Error(`a cache labelled "${label}" is already registered`);
    caches.set(label, cache);
    for (const event of ['add', 'update', 'delete'] as const) {
      cache.on(event, () => recordInformerEvent(label, event));
    }
    readiness.register({
      name: label,
      get synced() {
        return cache.synced;
      },
      get lastError() {
        return cache.lastError;
      },
    });
  };
  const watch = <T extends KubernetesObject>(label: string, options: WatchOptions<T>): InformerCache<T> => {
    const cache = new InformerCache<T>({
      ...options,
      ...hooks(label),
      kubeConfig: clients.kubeConfig,
      logger: log,
    });
    register(label, cache as unknown as InformerCache<KubernetesObject>);
    cache.start();
    return cache;
  };

  const ownedPods = watch<V1Pod>('pods', {
    resource: { version: 'v1', plural: 'pods' },
    namespace: clients.namespace,
    labelSelector: LABELS.owner,
    // Only what the missing-claim watcher and GPU accounting read (pod-trim.ts).
    trim: trimPod,
    list: (page) => clients.core.listNamespacedPod({ namespace: clients.namespace, ...page }),
  });

  const elector = new LeaderElector({
    clients,
    leaseName: config.leaseName,
    leaseDurationSeconds: config.leaseDurationSeconds,
    // client-go's proportions (15 s lease, 10 s renew deadline, 2 s retry).
    renewDeadlineMs: (config.leaseDurationSeconds * 1000 * 2) / 3,
    retryPeriodMs: Math.max(250, (config.leaseDurationSeconds * 1000 * 2) / 15),
    logger: log,
    onStartedLeading: () => log.info({ lease: config.leaseName }, 'started leading'),
    onStoppedLeading: () => log.warn({ lease: config.leaseName }, 'stopped leading'),
    onNewLeader: (identity) => log.info({ leader: identity }, 'leader observed'),
  });
  elector.start();
  const controllers = new ControllerManager({ leadership: elector, logger: log });
  controllers.start();

  const cacheStatus = () =>
    Object.fromEntries(
      [...caches].map(([label, cache]) => [label, { synced: cache.synced, size: cache.size }]),
    );

  return {
    clients,
    elector,
    controllers,
    ownedPods,
    watch,
    hooks,
    register,
    cacheStatus,
    releaseLeadership: () => elector.release(),
    readinessChecks: [
      async () => {
        const result = await readiness.check();
        for (const [label, cache] of caches) setInformerSynced(label, cache.synced);
        return result;
      },
    ],
    statusProviders: {
      kubernetes: () => ({
        namespace: clients.namespace,
        caches: cacheStatus(),
        controllers: controllers.status(),
        lease: {
          name: config.leaseName,
          identity: elector.identity,
          isLeader: elector.isLeader,
          holder: elector.holder(),
        },
      }),
    },
    async stop() {
      await controllers.stop();
      await Promise.all([...caches.values()].map((cache) => cache.stop()));
    },
  };
}
