import { Document, isSeq, parseDocument } from 'yaml';
import type { Catalog } from './catalog-schema.js';

/**
 * The stored catalog as a YAML document, changed one environment at a time
 * so the rest of the text (the field guide comment, other entries' comments,
 * key order) survives an edit made through the API.
 */
export class CatalogYamlDocument {
  private constructor(private readonly doc: Document) {}

  /** The stored text; `fallback` when the text is not a YAML mapping with an `environments` list. */
  static parse(text: string, fallback: Catalog): CatalogYamlDocument {
    const doc = parseDocument(text);
    const usable = doc.errors.length === 0 && isSeq(doc.get('environments'));
    return new CatalogYamlDocument(usable ? doc : new Document(fallback));
  }

  /** A document holding `catalog` as plain YAML (no comments). */
  static of(catalog: Catalog): CatalogYamlDocument {
    return new CatalogYamlDocument(new Document(catalog));
  }

  /** The index of the environment with this id, or -1. */
  indexOf(id: string): number {
    return this.environments().findIndex(
      (env) => typeof env === 'object' && env !== null && 'id' in env && env.id === id,
    );
  }

  /** Adds an environment at the end of the list. */
  append(entry: unknown): void {
    this.doc.addIn(['environments'], this.doc.createNode(entry));
  }

  /** Replaces the environment at `index` as a whole. */
  replace(index: number, entry: unknown): void {
    this.doc.setIn(['environments', index], this.doc.createNode(entry));
  }

  /** Removes the environment at `index`. */
  remove(index: number): void {
    this.doc.deleteIn(['environments', index]);
  }

  /** The document as plain data, for the catalog rules. */
  toData(): unknown {
    return this.doc.toJS();
  }

  /** The YAML text to store. Long strings stay on one line, which reads better in `kubectl edit`. */
  toText(): string {
    return this.doc.toString({ lineWidth: 0 });
  }

  private environments(): unknown[] {
    const data = this.doc.toJS() as { environments?: unknown };
    return Array.isArray(data.environments) ? data.environments : [];
  }
}
