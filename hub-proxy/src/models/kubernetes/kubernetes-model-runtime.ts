import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { EndpointSource } from '../gateway/endpoint-source.js';
import type { ModelRecord, ModelRuntime, ModelSpec } from '../model.js';
import type { ModelArtifactTokens } from '../model-artifact-token.js';
import { Conflict, NotFound } from '../../errors/index.js';
import {
  isKubeError,
  silentKubeLogger,
  toKubeError,
  type InformerCache,
  type InformerMetricsHooks,
  type KubeClients,
  type KubeLogger,
  type ManagedController,
} from '../../k8s/index.js';
import { ownerLabelValue } from '../../ownership/ownership.js';
import { LABELS } from '../../ownership/labels.js';
import { FETCH_CONTAINER, SERVER_CONTAINER, type ServingPodOptions } from './deployment-manifest.js';
import { EndpointSliceSource } from './endpoint-slice-source.js';
import { ModelServerController, type ModelsCaches } from './model-server-controller.js';
import {
  asKubernetesObject,
  asModelServer,
  modelRecordOf,
  modelServerObject,
} from './model-server-resource.js';
import { modelsKubeApi, type ModelsKubeApi } from './models-kube-api.js';
import { MODEL_LABELS, modelObjectName } from './object-names.js';

/** Settings of a {@link KubernetesModelRuntime}. */
export interface KubernetesModelRuntimeOptions extends ServingPodOptions {
  clients: KubeClients;
  /** Where the runtime registers its ModelServer controller (the ControllerManager, which follows the Lease). */
  controllers: { register(controller: ManagedController): void };
  /** Mints the init containers' artifact tokens. */
  tokens: ModelArtifactTokens;
  /** Controller resync period. Default 30 s. */
  resyncMs?: number;
  /** How long {@link KubernetesModelRuntime.start} waits for the caches. Default 60 s. */
  syncTimeoutMs?: number;
  /** How long a write waits for the cache to show it (read-your-writes). Default 5 s. */
  cacheWaitMs?: number;
  /** Metrics hooks per cache, by label (see {@link MODELS_CACHE_LABELS}). */
  informerHooks?(label: string): InformerMetricsHooks;
  /** Registers each cache for readiness, status and metrics (the Cluster's `register`). */
  registerCache?(label: string, cache: InformerCache<KubernetesObject>): void;
  logger?: KubeLogger;
}

/** Labels of the models caches in metrics, readiness and status. */
export const MODELS_CACHE_LABELS: Record<keyof ModelsCaches, string> = {
  modelServers: 'modelservers',
  deployments: 'model-deployments',
  pods: 'model-pods',
  endpointSlices: 'model-endpointslices',
};

/**
 * The `kubernetes` {@link ModelRuntime}: each model is a ModelServer object
 * (`model-<name>`); its controller ({@link ModelServerController}, run
 * under the Lease by the ControllerManager) makes the Deployment, Service,
 * PodDisruptionBudget, HPA, ConfigMap and Secret that serve it.
 *
 * Every replica runs the caches (ModelServers, and the Deployments, pods and
 * EndpointSlices labelled `turing.dev/model`): reads come from them once
 * synced, and {@link endpoints} (the gateway's view) is built from the
 * slices and pods. A write returns once this replica's cache shows it
 * (or after `cacheWaitMs`), so a read after a write sees it.
 */
export class KubernetesModelRuntime implements ModelRuntime {
  readonly kind = 'kubernetes' as const;
  readonly caches: ModelsCaches;
  readonly controller: ModelServerController;
  readonly endpoints: EndpointSource;
  private readonly api: ModelsKubeApi;
  private readonly logger: KubeLogger;
  private started: Promise<void> | undefined;

  constructor(private readonly options: KubernetesModelRuntimeOptions) {
    this.api = modelsKubeApi(options.clients);
    this.logger = options.logger ?? silentKubeLogger;
    const hooks = (key: keyof ModelsCaches) => ({
      ...(options.informerHooks?.(MODELS_CACHE_LABELS[key]) ?? {}),
      logger: this.logger,
    });
    // Everything serving a model carries its label; ModelServers are watched whoever made them.
    const labelled = { labelSelector: MODEL_LABELS.model };
    this.caches = {
      modelServers: this.api.modelServers.informer(hooks('modelServers')),
      deployments: this.api.deployments.informer({ ...hooks('deployments'), ...labelled }),
      pods: this.api.podsInformer({ ...hooks('pods'), ...labelled }),
      endpointSlices: this.api.endpointSlices.informer({ ...hooks('endpointSlices'), ...labelled }),
    };
    for (const [key, label] of Object.entries(MODELS_CACHE_LABELS)) {
      options.registerCache?.(
        label,
        this.caches[key as keyof ModelsCaches] as InformerCache<KubernetesObject>,
      );
    }
    this.endpoints = new EndpointSliceSource(this.caches, { logger: this.logger });
    this.controller = new ModelServerController({
      api: this.api,
      caches: this.caches,
      tokens: options.tokens,
      pod: options,
      ...(options.resyncMs !== undefined ? { resyncMs: options.resyncMs } : {}),
      logger: this.logger,
    });
    options.controllers.register(this.controller);
  }

  /** Starts the caches; resolves once synced (rejects after `syncTimeoutMs`; they keep trying). Idempotent. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const caches = this.cacheList();
      for (const cache of caches) cache.start();
      const timeoutMs = this.options.syncTimeoutMs ?? 60_000;
      await Promise.all(caches.map((cache) => cache.waitForSync(timeoutMs)));
    })();
    return this.started;
  }

  /** Stops the controller (if running) and the caches. */
  async stop(): Promise<void> {
    const caches = Promise.all(this.cacheList().map((cache) => cache.stop()));
    await this.controller.stop();
    await caches;
  }

  private cacheList(): InformerCache<KubernetesObject>[] {
    return Object.values(this.caches) as InformerCache<KubernetesObject>[];
  }

  async list(owner?: string): Promise<ModelRecord[]> {
    const selector = owner === undefined ? undefined : `${LABELS.owner}=${ownerLabelValue(owner)}`;
    const objects = this.caches.modelServers.synced
      ? this.caches.modelServers.list(selector ? { labelSelector: selector } : {})
      : await this.listFromApi(selector);
    return objects
      .map((o) => modelRecordOf(asModelServer(o)))
      .filter((record) => owner === undefined || record.spec.owner === owner)
      .sort((a, b) => (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0));
  }

  private async listFromApi(labelSelector: string | undefined): Promise<KubernetesObject[]> {
    const items: KubernetesObject[] = [];
    let next: string | undefined;
    do {
      const page = await this.api.servers.list({
        ...(labelSelector ? { labelSelector } : {}),
        limit: 500,
        ...(next ? { continue: next } : {}),
      });
      items.push(...page.items);
      next = page.continue;
    } while (next);
    return items;
  }

  async get(name: string): Promise<ModelRecord | undefined> {
    const objectName = modelObjectName(name);
    const object = this.caches.modelServers.synced
      ? this.caches.modelServers.get(objectName)
      : await this.api.modelServers.find(objectName);
    return object ? modelRecordOf(asModelServer(object)) : undefined;
  }

  async create(spec: ModelSpec): Promise<ModelRecord> {
    try {
      const created = await this.api.servers.create(asKubernetesObject(modelServerObject(spec)));
      return await this.afterWrite(created);
    } catch (err) {
      if (isKubeError(err, 'already-exists'))
        throw new Conflict(`A model named "${spec.name}" already exists.`);
      throw err;
    }
  }

  async update(spec: ModelSpec, resourceVersion: string): Promise<ModelRecord> {
    if (!resourceVersion)
      throw new Conflict(`Updating model "${spec.name}" needs the version it was read at.`);
    try {
      const replaced = await this.api.servers.replace(
        asKubernetesObject(modelServerObject(spec, resourceVersion)),
      );
      return await this.afterWrite(replaced);
    } catch (err) {
      const kind = toKubeError(err).kind;
      if (kind === 'conflict') {
        await this.catchUp(modelObjectName(spec.name));
        throw new Conflict(`Model "${spec.name}" changed since it was read; read it again and retry.`);
      }
      if (kind === 'not-found') throw new NotFound(`No model named "${spec.name}".`);
      throw err;
    }
  }

  /** Deletes the ModelServer; the garbage collector removes what serves it. Absent is fine. */
  async delete(name: string): Promise<void> {
    const objectName = modelObjectName(name);
    await this.api.modelServers.delete(objectName, { propagationPolicy: 'Background' });
    await this.waitForCache(objectName, (object) => object === undefined);
  }

  /**
   * The last `tailLines` lines of each of the model's pods, every line
   * prefixed with `[<pod>] `: the serving container's, or the init
   * container's while the pod is still fetching. A pod whose log cannot be
   * read says why in one line.
   */
  async logs(name: string, tailLines: number): Promise<string> {
    const pods = this.caches.pods.synced
      ? this.caches.pods.list({ labelSelector: { [MODEL_LABELS.model]: name } })
      : (
          await this.options.clients.core.listNamespacedPod({
            namespace: this.options.clients.namespace,
            labelSelector: `${MODEL_LABELS.model}=${name}`,
          })
        ).items;
    const sorted = [...pods].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    const parts = await Promise.all(sorted.map((pod) => this.podLog(pod, tailLines)));
    return parts.filter((p) => p.length > 0).join('\n');
  }

  private async podLog(pod: V1Pod, tailLines: number): Promise<string> {
    const podName = pod.metadata?.name ?? '?';
    const fetching = !(pod.status?.initContainerStatuses ?? []).every(
      (s) => s.state?.terminated?.exitCode === 0,
    );
    const container = fetching && pod.spec?.initContainers?.length ? FETCH_CONTAINER : SERVER_CONTAINER;
    try {
      const text = await this.options.clients.core.readNamespacedPodLog({
        name: podName,
        namespace: this.options.clients.namespace,
        container,
        tailLines: Math.max(1, Math.floor(tailLines)),
      });
      return String(text)
        .split('\n')
        .filter((line, i, lines) => line.length > 0 || i < lines.length - 1)
        .map((line) => `[${podName}] ${line}`)
        .join('\n');
    } catch (err) {
      return `[${podName}] (no ${container} log: ${toKubeError(err).message.split('\n')[0] ?? 'unavailable'})`;
    }
  }

  /** The record of a written object, once this replica's cache has it (read-your-writes). */
  private async afterWrite(written: KubernetesObject): Promise<ModelRecord> {
    await this.waitForVersion(written.metadata?.name ?? '', written.metadata?.resourceVersion);
    return modelRecordOf(asModelServer(written));
  }

  /**
   * After a lost race: waits until the cache holds what the apiserver holds
   * now, so the caller's next read (and retry) starts from the winner's write.
   */
  private async catchUp(objectName: string): Promise<void> {
    const latest = await this.api.modelServers.find(objectName).catch(() => undefined);
    if (latest) await this.waitForVersion(objectName, latest.metadata?.resourceVersion);
  }

  private waitForVersion(objectName: string, version: string | undefined): Promise<void> {
    return this.waitForCache(objectName, (object) => {
      // Equal, or newer: resourceVersions are etcd revisions, compared as integers when they are.
      const seen = object?.metadata?.resourceVersion;
      if (!seen || !version) return false;
      return (
        seen === version || (/^\d+$/.test(seen) && /^\d+$/.test(version) && BigInt(seen) > BigInt(version))
      );
    });
  }

  /** Resolves when `done` holds for the cached object (or after `cacheWaitMs`; never throws). */
  private waitForCache(
    objectName: string,
    done: (object: KubernetesObject | undefined) => boolean,
  ): Promise<void> {
    const cache = this.caches.modelServers;
    if (!cache.synced || done(cache.get(objectName))) return Promise.resolve();
    return new Promise((resolve) => {
      const offs: Array<() => void> = [];
      const finish = () => {
        clearTimeout(timer);
        for (const off of offs) off();
        resolve();
      };
      const timer = setTimeout(() => {
        this.logger.warn({ object: objectName }, 'the ModelServer cache did not show a write in time');
        finish();
      }, this.options.cacheWaitMs ?? 5000);
      for (const event of ['add', 'update', 'delete'] as const) {
        offs.push(
          cache.on(event, (object) => {
            if (object.metadata?.name === objectName && done(cache.get(objectName))) finish();
          }),
        );
      }
    });
  }
}
