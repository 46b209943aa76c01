import type { V1Pod } from '@kubernetes/client-node';
import type { Config } from '../config/schema.js';
import {
  InformerCache,
  KubeReadiness,
  LeaderElector,
  createKubeClients,
  type KubeClients,
} from '../k8s/index.js';
import { LABELS } from '../labels.js';
import type { Logger } from '../observability/logger.js';
import {
  observeKubeRequest,
  recordInformerEvent,
  setCacheSize,
  setInformerSynced,
} from '../observability/metrics.js';
import type { HubProxyExtras } from '../server.js';

/** The Kubernetes half of hub-proxy: clients, caches and the controller Lease. */
export interface KubernetesRuntime {
  readonly clients: KubeClients;
  /** Pods Turing created (labelled with an owner), mirrored from the API server. */
  readonly ownedPods: InformerCache<V1Pod>;
  readonly elector: LeaderElector;
  /**
   * Hands the Lease over at once instead of after it expires. Called first on
   * SIGTERM, before requests drain, so controllers stop acting straight away.
   */
  releaseLeadership(): Promise<boolean>;
  /** Readiness checks, status sections and shutdown hooks for `startHubProxy`. */
  readonly extras: Required<Pick<HubProxyExtras, 'readinessChecks' | 'statusProviders' | 'shutdownHooks'>>;
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
  const ownedPods = new InformerCache<V1Pod>({
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
    onCacheSize: (resource, size) => setCacheSize(resource, size),
    onRequest: (verb, resource, outcome) =>
      observeKubeRequest({ verb, resource, code: outcome === 'success' ? 'ok' : 'error' }),
  });
  const readiness = new KubeReadiness();
  readiness.register(ownedPods);
  for (const event of ['add', 'update', 'delete'] as const) {
    ownedPods.on(event, () => recordInformerEvent(ownedPods.name, event));
  }
  ownedPods.start();

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
    elector,
    releaseLeadership: () => elector.release(),
    extras: {
      readinessChecks: [
        async () => {
          const result = await readiness.check();
          setInformerSynced(ownedPods.name, ownedPods.synced);
          return result;
        },
      ],
      statusProviders: {
        kubernetes: () => ({
          namespace: clients.namespace,
          caches: { [ownedPods.name]: { synced: ownedPods.synced, size: ownedPods.size } },
          lease: {
            name: config.leaseName,
            identity: elector.identity,
            isLeader: elector.isLeader,
            holder: elector.holder(),
          },
        }),
      },
      shutdownHooks: [{ name: 'stop the caches', run: () => ownedPods.stop() }],
    },
  };
}
