/**
 * Settings documents admins edit while hub-proxy runs (the environment
 * catalog, the quotas): one interface, a file store for the local runtime
 * and a ConfigMap store for Kubernetes.
 */
export type { StoredDocument, VersionedDocumentStore } from './versioned-document.js';
export { contentVersion, FileDocumentStore, type FileDocumentStoreOptions } from './file-document-store.js';
export {
  ConfigMapDocumentStore,
  DOCUMENT_LABELS,
  type ConfigMapDocumentStoreOptions,
} from './config-map-document-store.js';
