import type { KubernetesObject, V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import type { Endpoint, EndpointSource } from '../gateway/endpoint-source.js';
import { silentKubeLogger, type InformerCache, type KubeLogger } from '../../k8s/index.js';
import {
  MODEL_LABELS,
  SERVICE_NAME_LABEL,
  modelObjectName,
  parseVersionsHostname,
  parseVersionsLabel,
} from './object-names.js';

/** The cache calls the source makes (an {@link InformerCache} has them). */
export type CacheView<T extends KubernetesObject> = Pick<InformerCache<T>, 'on' | 'list' | 'get'>;

/**
 * The gateway's view of the Kubernetes runtime: for each model, the ready
 * endpoints of its Service's EndpointSlices, with the versions of the pod
 * behind each (its `turing.dev/model-versions` label).
 *
 * Slices carry their Service's labels (the EndpointSlice controller copies
 * them), so one cache of slices labelled `turing.dev/model` covers every
 * model. Only endpoints with `conditions.ready === true` count: the
 * controller sets it false for pods failing readiness and for terminating
 * ones. An endpoint whose pod is not (yet) in the pods cache is left out
 * rather than offered for every version: a canary request must never reach
 * a pod that lacks the canary. Listeners hear about a model only when its
 * set of endpoints actually changed.
 */
export class EndpointSliceSource implements EndpointSource {
  private readonly byModel = new Map<string, readonly Endpoint[]>();
  private readonly listeners = new Set<(model: string) => void>();
  private readonly logger: KubeLogger;

  constructor(
    private readonly caches: { endpointSlices: CacheView<V1EndpointSlice>; pods: CacheView<V1Pod> },
    options: { logger?: KubeLogger } = {},
  ) {
    this.logger = options.logger ?? silentKubeLogger;
    const modelOf = (object: { metadata?: { labels?: Record<string, string> } }) =>
      object.metadata?.labels?.[MODEL_LABELS.model];
    const refresh = (
      object: { metadata?: { labels?: Record<string, string> } },
      previous?: typeof object,
    ) => {
      const now = modelOf(object);
      const before = previous ? modelOf(previous) : undefined;
      if (now) this.refresh(now);
      if (before && before !== now) this.refresh(before);
    };
    for (const event of ['add', 'update', 'delete'] as const) {
      caches.endpointSlices.on(event, refresh);
      caches.pods.on(event, refresh);
    }
  }

  endpoints(model: string): readonly Endpoint[] {
    return this.byModel.get(model) ?? [];
  }

  subscribe(listener: (model: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Models that have at least one ready endpoint. */
  models(): string[] {
    return [...this.byModel.keys()];
  }

  /** Recomputes one model's endpoints from the caches; tells the listeners if they changed. */
  refresh(model: string): void {
    const next = this.compute(model);
    const previous = this.byModel.get(model) ?? [];
    if (JSON.stringify(previous) === JSON.stringify(next)) return;
    if (next.length > 0) this.byModel.set(model, next);
    else this.byModel.delete(model);
    for (const listener of [...this.listeners]) {
      try {
        listener(model);
      } catch (err) {
        this.logger.warn({ model, err: String(err) }, 'endpoint listener threw');
      }
    }
  }

  private compute(model: string): Endpoint[] {
    const service = modelObjectName(model);
    const slices = this.caches.endpointSlices
      .list({ labelSelector: { [MODEL_LABELS.model]: model } })
      .filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === service);
    const found = new Map<string, Endpoint>();
    for (const slice of slices) {
      if (slice.addressType === 'FQDN') continue;
      const port = slice.ports?.find((p) => p.name === 'http')?.port;
      if (!port) continue;
      for (const endpoint of slice.endpoints) {
        const address = endpoint.addresses[0];
        const ref = endpoint.targetRef;
        if (endpoint.conditions?.ready !== true || !address || ref?.kind !== 'Pod' || !ref.name) continue;
        const pod = this.caches.pods.get(ref.name, ref.namespace ?? slice.metadata?.namespace);
        let versions: number[] | undefined;
        if (pod) {
          if (pod.metadata?.labels?.[MODEL_LABELS.model] !== model) continue;
          if (ref.uid && pod.metadata.uid !== ref.uid) continue;
          versions = parseVersionsLabel(pod.metadata.labels[MODEL_LABELS.versions]);
        } else {
          // The slice can run ahead of our pods cache; the pod's hostname says what it serves.
          versions = parseVersionsHostname(endpoint.hostname);
        }
        if (!versions) continue;
        const host = address.includes(':') ? `[${address}]` : address;
        found.set(ref.name, { id: ref.name, url: `http://${host}:${port}`, versions });
      }
    }
    return [...found.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
