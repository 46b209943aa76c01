import type { KubernetesObject, V1Deployment, V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import type { ModelArtifactTokens } from '../model-artifact-token.js';
import type { ModelServer } from '../model-server-schema.js';
import {
  Controller,
  serverSideApply,
  silentKubeLogger,
  toKubeError,
  type BackoffPolicy,
  type InformerCache,
  type KubeLogger,
  type ManagedController,
  type Reconciler,
} from '../../k8s/index.js';
import { ensureArtifactSecret } from './artifact-secret.js';
import { deploymentManifest, type ServingPodOptions } from './deployment-manifest.js';
import { asModelServer, modelSpecOf, wantedVersions } from './model-server-resource.js';
import { desiredModelStatus, modelStatusPatch } from './model-status.js';
import type { ModelsKubeApi } from './models-kube-api.js';
import { MODEL_LABELS, modelObjectName, servingConfigMapName } from './object-names.js';
import { servingConfig } from './serving-config.js';
import {
  horizontalPodAutoscalerManifest,
  podDisruptionBudgetManifest,
  serviceManifest,
  servingConfigMapManifest,
} from './serving-manifests.js';

/** The caches of the models runtime (it owns and starts them; every replica runs them). */
export interface ModelsCaches {
  modelServers: InformerCache<KubernetesObject>;
  /** Deployments labelled with {@link MODEL_LABELS.model}. */
  deployments: InformerCache<V1Deployment>;
  /** Pods labelled with {@link MODEL_LABELS.model}. */
  pods: InformerCache<V1Pod>;
  /** EndpointSlices labelled with {@link MODEL_LABELS.model} (copied from the Services). */
  endpointSlices: InformerCache<V1EndpointSlice>;
}

/** Settings of a {@link ModelServerController}. */
export interface ModelServerControllerOptions {
  api: ModelsKubeApi;
  caches: ModelsCaches;
  tokens: ModelArtifactTokens;
  pod: ServingPodOptions;
  /** How often every ModelServer is reconciled. Default 30 s. */
  resyncMs?: number;
  /** Every this many resyncs, every object is re-applied even if nothing changed. Default 10. */
  reapplyEveryResyncs?: number;
  /** Delays between retries of a failing ModelServer. Default: 500 ms doubling to 30 s, jittered. */
  retryBackoff?: BackoffPolicy;
  logger?: KubeLogger;
}

/**
 * Reconciles ModelServers into what serves them and writes their status.
 * It acts only between {@link start} and {@link stop}, which the
 * ControllerManager calls as this replica gains and loses the controllers'
 * Lease, so exactly one replica writes.
 *
 * Per ModelServer, with server-side apply and the ModelServer as controlling
 * owner (so deleting it lets the garbage collector remove the rest): the
 * Service and PodDisruptionBudget always; once a version has traffic, the
 * artifact Secret (token rotated, artifact-secret.ts), the serving
 * ConfigMap (immutable, named by its content), the Deployment, and the HPA
 * (deleted while the model is disabled). Objects are re-applied when the
 * ModelServer's generation, labels or uid change, when its Deployment is
 * missing, when the token is due, and every `reapplyEveryResyncs` resyncs.
 * On every pass: the Deployment's replicas are set to 0 for a disabled
 * model or brought within min..max (the HPA owns them otherwise), serving
 * ConfigMaps no pod mounts any more are deleted, and the status (from the
 * Deployment and the Ready pods' version labels) is merge-patched through
 * the status subresource when it differs.
 */
export class ModelServerController implements ManagedController {
  readonly name = 'modelservers';
  private readonly reapplyEvery: number;
  private readonly reconciler: ModelServerReconciler;
  private readonly controller: Controller;
  private running = false;
  private unsubscribe: Array<() => void> = [];
  private resyncCount = 0;

  constructor(private readonly options: ModelServerControllerOptions) {
    this.reapplyEvery = options.reapplyEveryResyncs ?? 10;
    this.reconciler = new ModelServerReconciler(options);
    const { modelServers, deployments, pods } = options.caches;
    this.controller = new Controller({
      name: this.name,
      reconciler: this.reconciler,
      ready: () => modelServers.synced && deployments.synced && pods.synced,
      listKeys: () => modelServers.list().flatMap((o) => (o.metadata?.name ? [o.metadata.name] : [])),
      onResync: () => {
        if (++this.resyncCount % this.reapplyEvery === 0) this.reconciler.forgetAll();
      },
      resyncMs: options.resyncMs ?? 30_000,
      ...(options.retryBackoff ? { backoff: options.retryBackoff } : {}),
      logger: options.logger ?? silentKubeLogger,
    });
  }

  /** True between {@link start} and {@link stop}. */
  get isRunning(): boolean {
    return this.running;
  }

  /** True once the ModelServer, Deployment and pod caches are synced. */
  ready(): boolean {
    return this.controller.ready();
  }

  /** Starts reconciling every cached ModelServer. The caches must be synced. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.reconciler.forgetAll();
    const { modelServers, deployments, pods } = this.options.caches;
    const enqueue = (name: string | undefined) => {
      if (name) this.controller.enqueue(name);
    };
    const byLabel = (object: KubernetesObject) => {
      const model = object.metadata?.labels?.[MODEL_LABELS.model];
      if (model) enqueue(modelObjectName(model));
    };
    this.unsubscribe = [
      ...(['add', 'update', 'delete'] as const).map((event) =>
        modelServers.on(event, (o) => enqueue(o.metadata?.name)),
      ),
      ...(['add', 'update', 'delete'] as const).map((event) => deployments.on(event, byLabel)),
      ...(['add', 'update', 'delete'] as const).map((event) => pods.on(event, byLabel)),
    ];
    this.controller.start();
  }

  /** Stops acting; waits for the reconcile in progress. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    await this.controller.stop();
  }
}

/** What was applied for one ModelServer, so unchanged objects are not re-applied. */
interface Applied {
  fingerprint: string;
  /** Epoch ms when the artifact token is due for renewal (Infinity: no token yet). */
  tokenRenewAt: number;
}

/** Reconciles one ModelServer. */
class ModelServerReconciler implements Reconciler {
  private readonly applied = new Map<string, Applied>();
  /** Models that may still have serving ConfigMaps of earlier templates. */
  private readonly staleConfigs = new Set<string>();

  constructor(private readonly options: ModelServerControllerOptions) {}

  /** Makes the next pass over every ModelServer re-apply everything. */
  forgetAll(): void {
    this.applied.clear();
  }

  async reconcile(objectName: string): Promise<void> {
    const cached = this.options.caches.modelServers.get(objectName);
    if (!cached) {
      this.applied.delete(objectName);
      this.staleConfigs.delete(objectName);
      return;
    }
    const server = asModelServer(cached);
    // Being deleted: the garbage collector removes what it owns.
    if (server.metadata.deletionTimestamp) return;
    let failure: unknown;
    try {
      await this.applyOwnedObjects(server);
      await this.scale(server);
      await this.removeStaleConfigs(server);
    } catch (err) {
      failure = err;
    }
    // A lost race or an apiserver hiccup is retried, not reported as the model's failure.
    const error = failure === undefined ? undefined : toKubeError(failure);
    const transient =
      error && ['conflict', 'unavailable', 'timeout', 'too-many-requests'].includes(error.kind);
    try {
      await this.writeStatus(server, error && !transient ? error.message : undefined);
    } catch (err) {
      // Deleted while we worked: the garbage collector takes what it owned; nothing to retry.
      if (toKubeError(err).kind === 'not-found') return;
      throw err;
    }
    if (failure !== undefined) throw failure;
  }

  private async applyOwnedObjects(server: ModelServer): Promise<void> {
    const { api, caches, tokens, pod } = this.options;
    const objectName = server.metadata.name ?? '';
    const spec = modelSpecOf(server.spec);
    const serving = wantedVersions(spec).length > 0;
    const fingerprint = JSON.stringify([
      server.metadata.uid,
      server.metadata.generation,
      server.metadata.labels,
    ]);
    const last = this.applied.get(objectName);
    const upToDate =
      last?.fingerprint === fingerprint &&
      Date.now() < last.tokenRenewAt &&
      (!serving || caches.deployments.get(objectName) !== undefined);
    if (upToDate) return;
    const apply = <T extends Parameters<typeof serverSideApply>[1]>(object: T) =>
      serverSideApply(api.clients, object, { force: true });
    await apply(serviceManifest(server));
    await apply(podDisruptionBudgetManifest(server));
    let tokenRenewAt = Number.POSITIVE_INFINITY;
    if (serving) {
      tokenRenewAt = (await ensureArtifactSecret(api, server, tokens)).renewAt;
      const config = servingConfig(spec);
      // The ConfigMap first: the new pods mount it.
      await apply(servingConfigMapManifest(server, config));
      await apply(deploymentManifest(server, config, pod));
      if (spec.disabled) await api.autoscalers.delete(objectName);
      else await apply(horizontalPodAutoscalerManifest(server));
      this.staleConfigs.add(objectName);
    }
    this.applied.set(objectName, { fingerprint, tokenRenewAt });
  }

  /**
   * Replicas belong to the HPA, except: a disabled model is scaled to zero
   * (its HPA is gone), and a count outside min..max (after re-enabling, or
   * at creation) is brought within at once rather than at the HPA's next sync.
   */
  private async scale(server: ModelServer): Promise<void> {
    const objectName = server.metadata.name ?? '';
    const deployment = this.options.caches.deployments.get(objectName);
    if (!deployment || wantedVersions(server.spec).length === 0) return;
    const current = deployment.spec?.replicas ?? 1;
    const { min, max } = server.spec.replicas;
    const target = server.spec.disabled ? 0 : Math.min(max, Math.max(min, current));
    if (target === current) return;
    // Conditional on the cached version: a newer count (the HPA's) wins and this pass is retried.
    await this.options.api.deployments.mergePatch(objectName, {
      metadata: { resourceVersion: deployment.metadata?.resourceVersion },
      spec: { replicas: target },
    });
  }

  /** Deletes the model's serving ConfigMaps that neither the current template nor any pod mounts. */
  private async removeStaleConfigs(server: ModelServer): Promise<void> {
    const objectName = server.metadata.name ?? '';
    if (!this.staleConfigs.has(objectName)) return;
    const spec = modelSpecOf(server.spec);
    const { api, caches } = this.options;
    const current =
      wantedVersions(spec).length > 0 ? servingConfigMapName(spec.name, servingConfig(spec).hash) : undefined;
    const inUse = new Set<string>(current ? [current] : []);
    for (const pod of caches.pods.list({ labelSelector: { [MODEL_LABELS.model]: spec.name } })) {
      for (const volume of pod.spec?.volumes ?? []) {
        if (volume.configMap?.name) inUse.add(volume.configMap.name);
      }
    }
    const { items } = await api.configMaps.list({
      labelSelector: `${MODEL_LABELS.model}=${spec.name},${MODEL_LABELS.role}=serving-config`,
    });
    // Old ones still mounted by a pod (the rollout is not over) are looked at again on the next pass.
    let waiting = 0;
    for (const configMap of items) {
      const name = configMap.metadata?.name ?? '';
      const ours = configMap.metadata?.ownerReferences?.some((ref) => ref.uid === server.metadata.uid);
      if (!ours || configMap.metadata?.deletionTimestamp || name === current) continue;
      if (inUse.has(name)) {
        waiting++;
        continue;
      }
      await api.configMaps.delete(name).catch((err: unknown) => {
        if (toKubeError(err).kind !== 'not-found') throw err;
      });
    }
    if (waiting === 0) this.staleConfigs.delete(objectName);
  }

  private async writeStatus(server: ModelServer, error: string | undefined): Promise<void> {
    const objectName = server.metadata.name ?? '';
    const { caches, api } = this.options;
    const desired = desiredModelStatus(server, {
      deployment: caches.deployments.get(objectName),
      pods: caches.pods.list({ labelSelector: { [MODEL_LABELS.model]: server.spec.name } }),
      ...(error ? { error } : {}),
      now: new Date(),
    });
    const patch = modelStatusPatch(server.status, desired);
    if (!patch) return;
    await api.modelServers.mergePatch(objectName, patch, { subresource: 'status' });
  }
}
