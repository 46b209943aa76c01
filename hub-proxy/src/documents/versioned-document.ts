/**
 * One settings document (the environment catalog, the quotas) that admins
 * edit while hub-proxy runs: a ConfigMap on Kubernetes, a file in the state
 * directory locally. Every write names the version it was based on, so two
 * admins cannot silently overwrite each other (HTTP: ETag / If-Match, 409).
 */
export interface StoredDocument {
  /** The document's text (YAML or JSON, as the owner chose). */
  text: string;
  /** Opaque; changes with every write (ConfigMap resourceVersion, file content hash). */
  version: string;
}

/** A {@link StoredDocument} with compare-and-swap writes and change notification. */
export interface VersionedDocumentStore {
  /** The current document, created from the seed when missing. */
  read(): Promise<StoredDocument>;
  /**
   * Replaces the text if the stored version is still `expectedVersion`;
   * otherwise throws `VersionConflict` (a `Conflict`, 409) naming both
   * versions, with `currentVersion` for the caller to reload. Resolves to
   * the new document.
   */
  write(text: string, expectedVersion: string): Promise<StoredDocument>;
  /**
   * Calls `listener` with every new version, including writes by other
   * replicas or by hand (kubectl edit, an editor). Returns a stop function.
   */
  watch(listener: (document: StoredDocument) => void): () => void;
}
