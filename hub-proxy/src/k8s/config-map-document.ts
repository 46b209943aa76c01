import { Watch, type V1ConfigMap } from '@kubernetes/client-node';
import { DEFAULT_BACKOFF_POLICY, ExponentialBackoff, type BackoffPolicy } from './backoff.js';
import { toKubeError } from './errors.js';
import type { KubeClients } from './kube-clients.js';
import { silentKubeLogger, type KubeLogger } from './kube-logger.js';

/** One key of one ConfigMap: where a document lives in the cluster. */
export interface ConfigMapKeyRef {
  namespace: string;
  name: string;
  key: string;
}

/** The key's text and the ConfigMap's resourceVersion. Text is '' when the key is missing. */
export interface ConfigMapText {
  text: string;
  resourceVersion: string;
}

/** Options of {@link ConfigMapDocument}. */
export interface ConfigMapDocumentOptions {
  clients: Pick<KubeClients, 'core' | 'kubeConfig'>;
  ref: ConfigMapKeyRef;
  /** Labels set when the ConfigMap is created. */
  labels?: Record<string, string>;
  /** Reconnect backoff of {@link ConfigMapDocument.watch}; default 250 ms doubling up to 10 s. */
  backoff?: Partial<BackoffPolicy>;
  /** The apiserver ends each watch after this long and it is opened again (default 300). */
  watchTimeoutSeconds?: number;
  logger?: KubeLogger;
}

/**
 * Reads, creates, replaces and watches one key of one ConfigMap. Failures
 * are {@link KubeError}s: `already-exists` on create, `conflict` when a
 * replace names a stale resourceVersion, `not-found` when it is gone.
 */
export class ConfigMapDocument {
  private readonly logger: KubeLogger;

  constructor(private readonly options: ConfigMapDocumentOptions) {
    this.logger = options.logger ?? silentKubeLogger;
  }

  /** The current text, or undefined when the ConfigMap does not exist. */
  async read(): Promise<ConfigMapText | undefined> {
    const { namespace, name } = this.options.ref;
    try {
      return this.textOf(await this.options.clients.core.readNamespacedConfigMap({ namespace, name }));
    } catch (err) {
      const error = toKubeError(err);
      if (error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  /** Creates the ConfigMap holding `text`; throws `already-exists` if someone was first. */
  async create(text: string): Promise<ConfigMapText> {
    const { namespace, name, key } = this.options.ref;
    try {
      const created = await this.options.clients.core.createNamespacedConfigMap({
        namespace,
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace, labels: { ...this.options.labels } },
          data: { [key]: text },
        },
      });
      return this.textOf(created);
    } catch (err) {
      throw toKubeError(err);
    }
  }

  /**
   * Replaces the key's text if the ConfigMap is still at `resourceVersion`
   * (the apiserver checks it atomically); other keys and metadata are kept.
   */
  async replace(text: string, resourceVersion: string): Promise<ConfigMapText> {
    const { namespace, name, key } = this.options.ref;
    const { core } = this.options.clients;
    try {
      const current = await core.readNamespacedConfigMap({ namespace, name });
      const body: V1ConfigMap = {
        ...current,
        metadata: { ...current.metadata, resourceVersion },
        data: { ...current.data, [key]: text },
      };
      return this.textOf(await core.replaceNamespacedConfigMap({ namespace, name, body }));
    } catch (err) {
      throw toKubeError(err);
    }
  }

  /**
   * Calls `listener` with the ConfigMap's text after every change (and once
   * on each (re)connect), or with undefined when it is deleted. Lists and
   * watches with a field selector on the name; reconnects with backoff.
   * Returns a stop function.
   */
  watch(listener: (text: ConfigMapText | undefined) => void): () => void {
    const { namespace, name } = this.options.ref;
    const fieldSelector = `metadata.name=${name}`;
    const backoff = new ExponentialBackoff({ ...DEFAULT_BACKOFF_POLICY, ...this.options.backoff });
    const watcher = new Watch(this.options.clients.kubeConfig);
    let stopped = false;
    let abort: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;

    const retry = (err: unknown): void => {
      if (stopped) return;
      const delayMs = backoff.failed();
      this.logger.warn(
        { configMap: name, err: toKubeError(err).message, retryInMs: delayMs },
        'ConfigMap watch disconnected; reconnecting',
      );
      timer = setTimeout(() => void connect(), delayMs);
    };
    const connect = async (): Promise<void> => {
      if (stopped) return;
      let resourceVersion: string | undefined;
      try {
        const list = await this.options.clients.core.listNamespacedConfigMap({ namespace, fieldSelector });
        resourceVersion = list.metadata?.resourceVersion;
        const found = list.items[0];
        if (!stopped) listener(found ? this.textOf(found) : undefined);
      } catch (err) {
        retry(err);
        return;
      }
      if (stopped) return;
      const openedAt = Date.now();
      abort = await watcher.watch(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`,
        {
          fieldSelector,
          allowWatchBookmarks: true,
          timeoutSeconds: this.options.watchTimeoutSeconds ?? 300,
          ...(resourceVersion ? { resourceVersion } : {}),
        },
        (phase, object: V1ConfigMap) => {
          if (stopped) return;
          backoff.succeeded();
          if (phase === 'ADDED' || phase === 'MODIFIED') listener(this.textOf(object));
          else if (phase === 'DELETED') listener(undefined);
          // ERROR (e.g. 410 Gone): the stream ends next and the list starts afresh.
        },
        (err: unknown) => {
          if (stopped) return;
          // The apiserver's timeout reconnects at once; a failure, or a stream that ends straight away, backs off.
          if (err) retry(err);
          else if (Date.now() - openedAt < 1000) retry(new Error('the watch ended as soon as it opened'));
          else void connect();
        },
      );
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      abort?.abort();
    };
  }

  private textOf(configMap: V1ConfigMap): ConfigMapText {
    return {
      text: configMap.data?.[this.options.ref.key] ?? '',
      resourceVersion: configMap.metadata?.resourceVersion ?? '',
    };
  }
}
