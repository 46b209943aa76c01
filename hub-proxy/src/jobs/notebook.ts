import { createHash } from 'node:crypto';
import type { FieldError } from '../errors/index.js';

/**
 * The input snapshot of a job: the notebook as sent, with outputs and
 * execution counts removed. Its digest is what the lab compares to decide
 * "input changed since scheduled", so the algorithm is part of the API
 * (docs/jobs.md "Input digest"): sha256 of the snapshot in its
 * {@link digestForm}, as JSON with object keys sorted at every level and no
 * whitespace. The lab's `notebook-digest.ts` implements the same steps.
 */

/** The parts of an nbformat-4 notebook this module reads. */
export interface NotebookJson {
  nbformat?: unknown;
  metadata?: { kernelspec?: { name?: unknown }; [key: string]: unknown };
  cells?: unknown;
  [key: string]: unknown;
}

interface CellJson {
  cell_type?: unknown;
  outputs?: unknown;
  execution_count?: unknown;
  metadata?: Record<string, unknown>;
  source?: unknown;
}

/** A copy without outputs, execution counts, per-cell timings, trust flags or the notebook signature. */
export function stripNotebook(notebook: NotebookJson): NotebookJson {
  const copy = structuredClone(notebook);
  if (copy.metadata && typeof copy.metadata === 'object') delete copy.metadata.signature;
  if (Array.isArray(copy.cells)) {
    for (const cell of copy.cells as CellJson[]) {
      if (typeof cell !== 'object' || cell === null) continue;
      if (cell.cell_type === 'code') {
        cell.outputs = [];
        cell.execution_count = null;
      }
      if (cell.metadata && typeof cell.metadata === 'object') {
        // Timings and the lab's trust flag are not part of the notebook's content.
        delete cell.metadata.execution;
        delete cell.metadata.trusted;
      }
    }
  }
  return copy;
}

/** JSON with object keys sorted recursively; arrays keep their order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableStringify(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Notebook metadata the kernel or the lab writes, not the author. */
const TRANSIENT_NOTEBOOK_METADATA = ['signature', 'trusted', 'language_info'];
/** Cell metadata that is UI state or timing, not content. */
const TRANSIENT_CELL_METADATA = ['execution', 'collapsed', 'scrolled', 'trusted'];
/** UI state under a cell's `metadata.jupyter`. */
const TRANSIENT_JUPYTER_METADATA = ['source_hidden', 'outputs_hidden'];

/**
 * The form the digest is taken of: the {@link stripNotebook} copy without
 * what differs between two saves of the same content. Sources become one
 * string (nbformat allows a list of lines, and the lab reads strings back),
 * cell ids, `nbformat_minor` (a lab save upgrades 4.4 to 4.5 and adds ids),
 * kernel and UI metadata go.
 */
export function digestForm(notebook: NotebookJson): NotebookJson {
  const copy = stripNotebook(notebook);
  delete copy.nbformat_minor;
  if (copy.metadata && typeof copy.metadata === 'object') {
    copy.metadata = omit(copy.metadata, TRANSIENT_NOTEBOOK_METADATA);
  }
  if (Array.isArray(copy.cells)) {
    for (const cell of copy.cells as Array<CellJson & { id?: unknown }>) {
      if (typeof cell !== 'object' || cell === null) continue;
      delete cell.id;
      if (Array.isArray(cell.source)) cell.source = cellSource(cell);
      const metadata = omit(
        typeof cell.metadata === 'object' && cell.metadata !== null ? cell.metadata : {},
        TRANSIENT_CELL_METADATA,
      );
      const jupyter = metadata.jupyter;
      if (typeof jupyter === 'object' && jupyter !== null && !Array.isArray(jupyter)) {
        const ui = omit(jupyter as Record<string, unknown>, TRANSIENT_JUPYTER_METADATA);
        if (Object.keys(ui).length === 0) delete metadata.jupyter;
        else metadata.jupyter = ui;
      }
      cell.metadata = metadata;
    }
  }
  return copy;
}

/** A copy of `record` without `keys`. */
function omit(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

/** sha256 hex of the notebook's {@link digestForm} as stable JSON. */
export function notebookDigest(notebook: NotebookJson): string {
  return createHash('sha256')
    .update(stableStringify(digestForm(notebook)))
    .digest('hex');
}

/** The kernelspec name, if the notebook names one. */
export function kernelName(notebook: NotebookJson): string | undefined {
  const name = notebook.metadata?.kernelspec?.name;
  return typeof name === 'string' && name.trim() !== '' ? name : undefined;
}

/**
 * Why `notebook` cannot be run; empty when it can. Checks the nbformat
 * version, the cells list and the kernelspec papermill needs.
 */
export function notebookErrors(notebook: NotebookJson, field: string): FieldError[] {
  if (notebook.nbformat !== 4) {
    return [{ field, message: 'Not an nbformat 4 notebook (nbformat must be 4).' }];
  }
  if (!Array.isArray(notebook.cells)) {
    return [{ field: `${field}.cells`, message: 'The notebook has no cells list.' }];
  }
  if (!kernelName(notebook)) {
    return [
      {
        field: `${field}.metadata.kernelspec`,
        message:
          'The notebook has no kernelspec, so it cannot be run. Open it in JupyterLab, select a kernel and save it.',
      },
    ];
  }
  return [];
}

/** Source of a cell as one string (nbformat allows a string or a list of lines). */
function cellSource(cell: CellJson): string {
  if (typeof cell.source === 'string') return cell.source;
  return Array.isArray(cell.source) ? cell.source.join('') : '';
}

/** The source of the first code cell tagged `parameters`, if any. */
export function parametersCellSource(notebook: NotebookJson): string | undefined {
  if (!Array.isArray(notebook.cells)) return undefined;
  for (const cell of notebook.cells as CellJson[]) {
    const tags = cell?.metadata?.tags;
    if (cell?.cell_type === 'code' && Array.isArray(tags) && tags.includes('parameters')) {
      return cellSource(cell);
    }
  }
  return undefined;
}
