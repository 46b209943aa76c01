import { VersionConflict } from '../../errors/index.js';
import type { StoredDocument, VersionedDocumentStore } from '../../documents/index.js';

/** A {@link VersionedDocumentStore} in memory, for unit tests: versions count writes. */
export class InMemoryDocumentStore implements VersionedDocumentStore {
  private document: StoredDocument | undefined;
  private writes = 0;
  private readonly listeners = new Set<(document: StoredDocument) => void>();

  constructor(private readonly seed: () => string) {}

  read(): Promise<StoredDocument> {
    this.document ??= { text: this.seed(), version: '1' };
    return Promise.resolve(this.document);
  }

  async write(text: string, expectedVersion: string): Promise<StoredDocument> {
    const current = await this.read();
    if (current.version !== expectedVersion) throw new VersionConflict(current.version);
    return this.replace(text);
  }

  /** Stands in for an edit by hand or by another replica: no version check, listeners told. */
  replace(text: string): StoredDocument {
    this.writes += 1;
    this.document = { text, version: String(this.writes + 1) };
    for (const listener of this.listeners) listener(this.document);
    return this.document;
  }

  watch(listener: (document: StoredDocument) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
