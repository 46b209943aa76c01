export { DEFAULT_BACKOFF_POLICY, ExponentialBackoff, backoffDelay, type BackoffPolicy } from './backoff.js';
export * from './errors.js';
export {
  GroupedResourceClient,
  type GroupedResourceType,
  type PropagationPolicy,
} from './grouped-resource-client.js';
export {
  InformerCache,
  type InformerCacheOptions,
  type InformerEventType,
  type InformerListener,
  type InformerMetricsHooks,
  type ListPageRequest,
  type RequestOutcome,
} from './informer-cache.js';
export {
  DEFAULT_FIELD_MANAGER,
  createKubeClients,
  loadKubeConfig,
  type KubeClients,
  type KubeClientsOptions,
} from './kube-clients.js';
export { silentKubeLogger, type KubeLogger } from './kube-logger.js';
export {
  matchesLabels,
  parseLabelSelector,
  type LabelRequirement,
  type LabelSelectorInput,
} from './label-selector.js';
export { LeaderElector, defaultLeaderIdentity, type LeaderElectorOptions } from './leader-election.js';
export {
  isLeaseExpired,
  leaseExpiresAtMs,
  leaseHolder,
  leaseTimeMs,
  mayAcquireLease,
  nextLeaseSpec,
  releasedLeaseSpec,
} from './lease-record.js';
export {
  OwnedResourceStore,
  type OwnedResourceType,
  type ResourceListOptions,
} from './owned-resource-store.js';
export { POD_ANNOTATIONS_KEPT, isFinishedPod, trimPod } from './pod-trim.js';
export { StringPool } from './string-pool.js';
export { followPodLog, type PodLogRequest } from './pod-log-stream.js';
export { KubeReadiness, type ReadinessCheckResult, type SyncSource } from './readiness.js';
export { resourceLabel, resourcePath, type ResourceType } from './resource-path.js';
export {
  serverSideApply,
  type AppliedObject,
  type ApplyObject,
  type ApplyOptions,
} from './server-side-apply.js';
export {
  Controller,
  ControllerManager,
  DEFAULT_RETRY_BACKOFF,
  WorkQueue,
  systemClock,
  type ControllerManagerOptions,
  type ControllerManagerStatus,
  type ControllerOptions,
  type ManagedController,
  type QueueClock,
  type ReconcileResult,
  type Reconciler,
  type WorkQueueOptions,
} from './controller/index.js';
