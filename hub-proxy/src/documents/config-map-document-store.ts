import { VersionConflict } from '../errors/index.js';
import { ConfigMapDocument, type ConfigMapText } from '../k8s/config-map-document.js';
import type { KubeClients } from '../k8s/kube-clients.js';
import type { KubeLogger } from '../k8s/kube-logger.js';
import { KubeError } from '../k8s/errors.js';
import type { StoredDocument, VersionedDocumentStore } from './versioned-document.js';

/** Which ConfigMap key holds the document, and what it starts as. */
export interface ConfigMapDocumentStoreOptions {
  clients: Pick<KubeClients, 'core' | 'kubeConfig' | 'namespace'>;
  /** The ConfigMap's name (in the clients' namespace). */
  name: string;
  /** The data key holding the text, e.g. `catalog.yaml`. */
  key: string;
  /** The text the ConfigMap is created with when it does not exist yet. */
  seed: () => string;
  logger?: KubeLogger;
}

/** Every ConfigMap a store creates carries this label, so Turing's settings can be listed together. */
export const DOCUMENT_LABELS = { 'app.kubernetes.io/part-of': 'turing' } as const;

function stored(text: ConfigMapText): StoredDocument {
  return { text: text.text, version: text.resourceVersion };
}

/**
 * A {@link VersionedDocumentStore} in one key of a ConfigMap (the kubernetes
 * runtime): every replica reads and writes the same object, the apiserver's
 * resourceVersion is the version and its optimistic concurrency is the
 * compare-and-swap, and a watch brings edits from other replicas or
 * `kubectl edit` within a second or two.
 */
export class ConfigMapDocumentStore implements VersionedDocumentStore {
  private readonly configMap: ConfigMapDocument;

  constructor(private readonly options: ConfigMapDocumentStoreOptions) {
    this.configMap = new ConfigMapDocument({
      clients: options.clients,
      ref: { namespace: options.clients.namespace, name: options.name, key: options.key },
      labels: { ...DOCUMENT_LABELS },
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  async read(): Promise<StoredDocument> {
    const existing = await this.configMap.read();
    if (existing) return stored(existing);
    try {
      return stored(await this.configMap.create(this.options.seed()));
    } catch (err) {
      // Another replica seeded it first: theirs is as good as ours.
      if (!(err instanceof KubeError && err.kind === 'already-exists')) throw err;
      const created = await this.configMap.read();
      if (!created) throw err;
      return stored(created);
    }
  }

  async write(text: string, expectedVersion: string): Promise<StoredDocument> {
    try {
      return stored(await this.configMap.replace(text, expectedVersion));
    } catch (err) {
      if (!(err instanceof KubeError && (err.kind === 'conflict' || err.kind === 'not-found'))) throw err;
      // Stale, or deleted by hand (read() seeds it again): either way the caller must reload.
      const current = await this.read();
      throw new VersionConflict(
        current.version,
        `ConfigMap ${this.options.name} changed: version ${expectedVersion} is stale, the current one is ${current.version}.`,
        { cause: err },
      );
    }
  }

  watch(listener: (document: StoredDocument) => void): () => void {
    let last: string | undefined;
    return this.configMap.watch((text) => {
      // Deleted by hand: the next read() or write() seeds it again, and the watch reports that.
      if (!text || text.resourceVersion === last) return;
      last = text.resourceVersion;
      listener(stored(text));
    });
  }
}
