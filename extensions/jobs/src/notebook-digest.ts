/**
 * The digest of a notebook's input, computed exactly as hub-proxy computes
 * `job.notebook.digest` (see docs "Input digest"): strip outputs, execution
 * counts and `metadata.execution` from every cell, serialise with object keys
 * sorted recursively and no whitespace, and take the sha256 (hex) of the
 * UTF-8 bytes. Equal digests mean the job runs the same input as the file.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A deep copy of `notebook` without outputs, execution counts or execution metadata. */
export function stripNotebook<T>(notebook: T): T {
  const copy = JSON.parse(JSON.stringify(notebook)) as { cells?: unknown };
  if (Array.isArray(copy.cells)) {
    for (const cell of copy.cells as Array<Record<string, unknown>>) {
      if (typeof cell !== 'object' || cell === null) {
        continue;
      }
      if (cell.cell_type === 'code') {
        cell.outputs = [];
        cell.execution_count = null;
      }
      const metadata = cell.metadata;
      if (typeof metadata === 'object' && metadata !== null && 'execution' in metadata) {
        delete (metadata as Record<string, unknown>).execution;
      }
    }
  }
  return copy as T;
}

/** `JSON.stringify` with object keys sorted recursively (arrays keep their order), no whitespace. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value as Json));
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    const sorted: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const child = value[key];
      if (child !== undefined) {
        sorted[key] = sortKeys(child);
      }
    }
    return sorted;
  }
  return value;
}

/** sha256 of a string's UTF-8 bytes, as lowercase hex. */
export async function sha256Hex(
  text: string,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<string> {
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The input digest of a notebook (see the module comment). */
export function notebookDigest(notebook: unknown, subtle?: SubtleCrypto): Promise<string> {
  return sha256Hex(stableStringify(stripNotebook(notebook)), subtle);
}
