import type { KubernetesObject, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Config } from '../config/schema.js';
import {
  InformerCache,
  KubeReadiness,
  LeaderElector,
  createKubeClients,
  type InformerCacheOptions,
  type KubeClients,
} from './index.js';
import { LABELS } from '../ownership/labels.js';
import type { Logger } from '../observability/logger.js';
import {
  observeKubeRequest,
  recordInformerEvent,
  setCacheSize,
  setInformerSynced,
} from '../observability/metrics.js';
import type { HubProxyExtras } from '../server.js';
import { computeGpuAvailability, type GpuAvailability } from '../environments/gpu-availability.js';

/** The Kubernetes half of hub-proxy: clients, caches and the controller Lease. */
export interface KubernetesRuntime {
  readonly clients: KubeClients;
  /** Pods Turing created (labelled with an owner), mirrored from the API server. */
  readonly ownedPods: InformerCache<V1Pod>;
  /** Every node of the cluster (needs cluster-wide list/watch on nodes). */
  readonly nodes: InformerCache<V1Node>;
  /** Every pod in every namespace, for GPU accounting (needs cluster-wide list/watch on pods). */
  readonly clusterPods: InformerCache<V1Pod>;
  /**
   * Free `nvidia.com/gpu` per `nvidia.com/gpu.product`, computed from the
   * node and cluster-pod caches on each call. Meaningful once both are synced.
   */
  gpuAvailability(): GpuAvailability;
  readonly elector: LeaderElector;
  /**
   * Hands the Lease over at once instead of after it expires. Called first on
   * SIGTERM, before requests drain, so controllers stop acting straight away.
   */
  releaseLeadership(): Promise<boolean>;
  /** Readiness checks, status sections and shutdown hooks for `startHubProxy`. */
  readonly extras: Required<Pick<HubProxyExtras, 'readinessChecks' | 'statusProviders' | 'shutdownHooks'>>;
}

/** A cache plus the label it goes by in metrics, readiness and status (two caches watch `pods`). */
interface LabelledCache {
  label: string;
  cache: InformerCache<KubernetesObject>;
}

/**
 * Builds a cache whose metrics, readiness and status use `label` instead of
 * the resource name, and counts its events.
 */
function labelledCache<T extends KubernetesObject>(
  label: string,
  options: Omit<InformerCacheOptions<T>, 'onCacheSize' | 'onRequest'>,
): InformerCache<T> {
  const cache = new InformerCache<T>({
    ...options,
    onCacheSize: (_resource, size) => setCacheSize(label, size),
    onRequest: (verb, _resource, outcome) =>
      observeKubeRequest({ verb, resource: label, code: outcome === 'success' ? 'ok' : 'error' }),
  });
  for (const event of ['add', 'update', 'delete'] as const) {
    cache.on(event, () => recordInformerEvent(label, event));
  }
  return cache;
}

/**
 * Connects to the cluster, starts the caches and enters leader election.
 * Caches run on every replica (they serve reads); controllers, added by later
 * features, run only while this replica holds the Lease.
 */
export function startKubernetesRuntime(config: Config, logger: Logger): KubernetesRuntime {
  const clients = createKubeClients({
    namespace: config.namespace,
    ...(config.kubeconfigPath ? { kubeconfigPath: config.kubeconfigPath } : {}),
  });
  const log = logger.child({ component: 'kubernetes' });
  const ownedPods = labelledCache<V1Pod>('pods', {
    kubeConfig: clients.kubeConfig,
    resource: { version: 'v1', plural: 'pods' },
    namespace: clients.namespace,
    labelSelector: LABELS.owner,
    list: ({ labelSelector }) =>
      clients.core.listNamespacedPod({
        namespace: clients.namespace,
        ...(labelSelector ? { labelSelector } : {}),
      }),
    logger: log,
  });
  const nodes = labelledCache<V1Node>('nodes', {
    kubeConfig: clients.kubeConfig,
    resource: { version: 'v1', plural: 'nodes' },
    list: ({ labelSelector }) => clients.core.listNode(labelSelector ? { labelSelector } : {}),
    logger: log,
  });
  // GPUs are shared: other namespaces' pods consume them too. InformerCache
  // takes no field selector, so terminated pods are cached as well.
  const clusterPods = labelledCache<V1Pod>('cluster-pods', {
    kubeConfig: clients.kubeConfig,
    resource: { version: 'v1', plural: 'pods' },
    list: ({ labelSelector }) => clients.core.listPodForAllNamespaces(labelSelector ? { labelSelector } : {}),
    logger: log,
  });

  const caches: LabelledCache[] = [
    { label: 'pods', cache: ownedPods },
    { label: 'nodes', cache: nodes },
    { label: 'cluster-pods', cache: clusterPods },
  ];
  const readiness = new KubeReadiness();
  for (const { label, cache } of caches) {
    readiness.register({
      name: label,
      get synced() {
        return cache.synced;
      },
      get lastError() {
        return cache.lastError;
      },
    });
    cache.start();
  }

  const gpuAvailability = (): GpuAvailability => computeGpuAvailability(nodes.list(), clusterPods.list());

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

  return {
    clients,
    ownedPods,
    nodes,
    clusterPods,
    gpuAvailability,
    elector,
    releaseLeadership: () => elector.release(),
    extras: {
      readinessChecks: [
        async () => {
          const result = await readiness.check();
          for (const { label, cache } of caches) setInformerSynced(label, cache.synced);
          return result;
        },
      ],
      statusProviders: {
        kubernetes: () => ({
          namespace: clients.namespace,
          caches: Object.fromEntries(
            caches.map(({ label, cache }) => [label, { synced: cache.synced, size: cache.size }]),
          ),
          gpus: { synced: nodes.synced && clusterPods.synced, ...gpuAvailability() },
          lease: {
            name: config.leaseName,
            identity: elector.identity,
            isLeader: elector.isLeader,
            holder: elector.holder(),
          },
        }),
      },
      shutdownHooks: [
        {
          name: 'stop the caches',
          run: async () => {
            await Promise.all(caches.map(({ cache }) => cache.stop()));
          },
        },
      ],
    },
  };
}
