import {
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';

/** The field manager recorded in managedFields when nobody says otherwise. */
export const DEFAULT_FIELD_MANAGER = 'turing-hub-proxy';

/**
 * KubernetesObjectApi fills in a missing namespace from the kubeconfig
 * context; hub-proxy's namespace comes from its config instead.
 */
class ConfiguredNamespaceObjectApi extends KubernetesObjectApi {
  withDefaultNamespace(namespace: string): this {
    this.defaultNamespace = namespace;
    return this;
  }
}

/** Where to find the cluster and which namespace hub-proxy works in. */
export interface KubeClientsOptions {
  /** A kubeconfig file. Without it: in-cluster service account if running in a pod, else the default lookup. */
  kubeconfigPath?: string;
  /** The namespace hub-proxy manages (from config; never assumed). */
  namespace: string;
  /** Field manager for server-side apply; defaults to {@link DEFAULT_FIELD_MANAGER}. */
  fieldManager?: string;
}

/** Typed API clients sharing one kubeconfig, plus the namespace they act in. */
export interface KubeClients {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly fieldManager: string;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly coordination: CoordinationV1Api;
  readonly customObjects: CustomObjectsApi;
  /**
   * Works on any kind by apiVersion/kind (discovery is cached); used for
   * server-side apply. Namespaced objects without a namespace go to `namespace`.
   */
  readonly objects: KubernetesObjectApi;
}

/**
 * Loads the kubeconfig: from `kubeconfigPath` if given; in a pod (the
 * `KUBERNETES_SERVICE_HOST` env var is set) from the service account; else
 * client-node's default lookup (`$KUBECONFIG`, `~/.kube/config`).
 */
export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (kubeconfigPath) kubeConfig.loadFromFile(kubeconfigPath);
  else if (process.env.KUBERNETES_SERVICE_HOST) kubeConfig.loadFromCluster();
  else kubeConfig.loadFromDefault();
  if (!kubeConfig.getCurrentCluster()) throw new Error('kubeconfig has no current cluster');
  return kubeConfig;
}

/** Builds every client hub-proxy needs from one kubeconfig. */
export function createKubeClients(options: KubeClientsOptions): KubeClients {
  if (!options.namespace) throw new Error('createKubeClients: namespace is required');
  const kubeConfig = loadKubeConfig(options.kubeconfigPath);
  return {
    kubeConfig,
    namespace: options.namespace,
    fieldManager: options.fieldManager ?? DEFAULT_FIELD_MANAGER,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    batch: kubeConfig.makeApiClient(BatchV1Api),
    coordination: kubeConfig.makeApiClient(CoordinationV1Api),
    customObjects: kubeConfig.makeApiClient(CustomObjectsApi),
    objects: kubeConfig.makeApiClient(ConfiguredNamespaceObjectApi).withDefaultNamespace(options.namespace),
  };
}
