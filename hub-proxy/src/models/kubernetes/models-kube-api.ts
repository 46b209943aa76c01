import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1EndpointSlice,
  V1Pod,
  V1Secret,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import {
  MODEL_SERVER_API_VERSION,
  MODEL_SERVER_GROUP,
  MODEL_SERVER_KIND,
  MODEL_SERVER_PLURAL,
  MODEL_SERVER_VERSION,
} from '../model-server-schema.js';
import {
  GroupedResourceClient,
  InformerCache,
  OwnedResourceStore,
  type InformerCacheOptions,
  type KubeClients,
  type OwnedResourceType,
} from '../../k8s/index.js';

/** The ModelServer custom resource as the stores and caches address it. */
export const MODEL_SERVER_RESOURCE: OwnedResourceType & { group: string } = {
  group: MODEL_SERVER_GROUP,
  version: MODEL_SERVER_VERSION,
  plural: MODEL_SERVER_PLURAL,
  kind: MODEL_SERVER_KIND,
  apiVersion: MODEL_SERVER_API_VERSION,
};

/** Options of a cache built by {@link ModelsKubeApi.podsInformer}. */
export type PodInformerOptions = Omit<
  InformerCacheOptions<V1Pod>,
  'kubeConfig' | 'resource' | 'namespace' | 'list'
>;

/**
 * The Kubernetes resources the models runtime works on, in the clients'
 * namespace. ModelServers are handled as raw JSON and typed with
 * `asModelServer` (model-server-resource.ts).
 */
export interface ModelsKubeApi {
  readonly clients: KubeClients;
  /** ModelServer objects: create, replace (resourceVersion-checked), delete, paged lists. */
  readonly servers: OwnedResourceStore<KubernetesObject>;
  /** ModelServer objects: status merge patches, deletion with a propagation policy, informers. */
  readonly modelServers: GroupedResourceClient<KubernetesObject>;
  readonly deployments: GroupedResourceClient<V1Deployment>;
  readonly endpointSlices: GroupedResourceClient<V1EndpointSlice>;
  readonly autoscalers: GroupedResourceClient<V2HorizontalPodAutoscaler>;
  readonly secrets: OwnedResourceStore<V1Secret>;
  readonly configMaps: OwnedResourceStore<V1ConfigMap>;
  /** An informer over the namespace's pods (not started). */
  podsInformer(options: PodInformerOptions): InformerCache<V1Pod>;
}

/** Binds the resources to `clients`. */
export function modelsKubeApi(clients: KubeClients): ModelsKubeApi {
  const { namespace } = clients;
  return {
    clients,
    servers: new OwnedResourceStore<KubernetesObject>(clients, MODEL_SERVER_RESOURCE),
    modelServers: new GroupedResourceClient<KubernetesObject>(clients, MODEL_SERVER_RESOURCE),
    deployments: new GroupedResourceClient<V1Deployment>(clients, {
      group: 'apps',
      version: 'v1',
      plural: 'deployments',
    }),
    endpointSlices: new GroupedResourceClient<V1EndpointSlice>(clients, {
      group: 'discovery.k8s.io',
      version: 'v1',
      plural: 'endpointslices',
    }),
    autoscalers: new GroupedResourceClient<V2HorizontalPodAutoscaler>(clients, {
      group: 'autoscaling',
      version: 'v2',
      plural: 'horizontalpodautoscalers',
    }),
    secrets: new OwnedResourceStore<V1Secret>(clients, {
      version: 'v1',
      plural: 'secrets',
      kind: 'Secret',
      apiVersion: 'v1',
    }),
    configMaps: new OwnedResourceStore<V1ConfigMap>(clients, {
      version: 'v1',
      plural: 'configmaps',
      kind: 'ConfigMap',
      apiVersion: 'v1',
    }),
    podsInformer: (options) =>
      new InformerCache<V1Pod>({
        ...options,
        kubeConfig: clients.kubeConfig,
        resource: { version: 'v1', plural: 'pods' },
        namespace,
        list: (page) => clients.core.listNamespacedPod({ namespace, ...page }),
      }),
  };
}
