/**
 * The digest of a notebook's input, computed exactly as hub-proxy computes
 * `job.notebook.digest` (see docs/jobs.md "Input digest"): strip outputs,
 * execution counts and `metadata.execution` from every cell, take the
 * {@link digestForm} (sources as one string; no cell ids, `nbformat_minor`,
 * kernel or UI metadata), serialise with object keys sorted recursively and
 * no whitespace, and take the sha256 (hex) of the UTF-8 bytes. Equal digests
 * mean the job runs the same input as the file.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: unknown };

/** Notebook metadata the kernel or the lab writes, not the author. */
const TRANSIENT_NOTEBOOK_METADATA = ['signature', 'trusted', 'language_info'];
/** Cell metadata that is UI state or timing, not content. */
const TRANSIENT_CELL_METADATA = ['execution', 'collapsed', 'scrolled', 'trusted'];
/** UI state under a cell's `metadata.jupyter`. */
const TRANSIENT_JUPYTER_METADATA = ['source_hidden', 'outputs_hidden'];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function cellsOf(notebook: unknown): JsonObject[] {
  const cells = isObject(notebook) ? notebook.cells : undefined;
  return Array.isArray(cells) ? cells.filter(isObject) : [];
}

/** A deep copy of `notebook` without outputs, execution counts or execution metadata. */
export function stripNotebook<T>(notebook: T): T {
  const copy = JSON.parse(JSON.stringify(notebook)) as T;
  for (const cell of cellsOf(copy)) {
    if (cell.cell_type === 'code') {
      cell.outputs = [];
      cell.execution_count = null;
    }
    if (isObject(cell.metadata)) {
      delete cell.metadata.execution;
    }
  }
  return copy;
}

/**
 * What the digest is taken of (as hub-proxy's `digestForm`): the stripped
 * copy with each source as one string, without cell ids, `nbformat_minor`,
 * `signature`/`trusted`/`language_info`, and cell UI state (`collapsed`,
 * `scrolled`, `trusted`, `jupyter.source_hidden`/`outputs_hidden`).
 */
export function digestForm<T>(notebook: T): T {
  const copy = stripNotebook(notebook);
  if (!isObject(copy)) {
    return copy;
  }
  const record: JsonObject = copy;
  delete record.nbformat_minor;
  if (isObject(record.metadata)) {
    record.metadata = omit(record.metadata, TRANSIENT_NOTEBOOK_METADATA);
  }
  for (const cell of cellsOf(copy)) {
    delete cell.id;
    if (Array.isArray(cell.source)) {
      cell.source = cell.source.join('');
    }
    const metadata = omit(isObject(cell.metadata) ? cell.metadata : {}, TRANSIENT_CELL_METADATA);
    if (isObject(metadata.jupyter)) {
      const ui = omit(metadata.jupyter, TRANSIENT_JUPYTER_METADATA);
      if (Object.keys(ui).length === 0) {
        delete metadata.jupyter;
      } else {
        metadata.jupyter = ui;
      }
    }
    cell.metadata = metadata;
  }
  return copy;
}

/** A copy of `record` without `keys`. */
function omit(record: JsonObject, keys: readonly string[]): JsonObject {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

/**
 * A copy with each string source split into lines as nbformat writes them
 * to disk (line ends kept), for the digests of jobs created before
 * normalisation from a file's raw JSON.
 */
export function withSourceLines<T>(notebook: T): T {
  const copy = JSON.parse(JSON.stringify(notebook)) as T;
  for (const cell of cellsOf(copy)) {
    if (typeof cell.source === 'string') {
      cell.source = cell.source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    }
  }
  return copy;
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
  return sha256Hex(stableStringify(digestForm(notebook)), subtle);
}

/**
 * The digest hub-proxy stored before normalisation: sha256 of the stripped
 * notebook as sent (sources, ids and UI metadata as they were).
 */
export function legacyNotebookDigest(notebook: unknown, subtle?: SubtleCrypto): Promise<string> {
  return sha256Hex(stableStringify(stripNotebook(notebook)), subtle);
}

/**
 * Every digest a job's stored digest may equal when the job runs exactly
 * this file's content: the normalised digest (jobs created since), and, for
 * jobs created before, the old digest of the content as the lab sends it
 * (without `trusted`/`signature`), as read, and with sources split into
 * lines as on disk (what a script sending the raw file sent). Each is a
 * digest of the current content, so a match never hides a real edit.
 */
export async function inputDigestCandidates(
  notebook: unknown,
  withoutTransient: (notebook: unknown) => unknown,
  subtle?: SubtleCrypto,
): Promise<string[]> {
  const clean = withoutTransient(notebook);
  return Promise.all([
    notebookDigest(notebook, subtle),
    legacyNotebookDigest(clean, subtle),
    legacyNotebookDigest(notebook, subtle),
    legacyNotebookDigest(withSourceLines(clean), subtle),
  ]);
}
