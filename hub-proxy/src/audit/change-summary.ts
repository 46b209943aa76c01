import { createHash } from 'node:crypto';

/** The largest `change` kept, as JSON. */
export const MAX_CHANGE_BYTES = 4096;
/** Longer strings are cut to this many characters. */
export const MAX_STRING_CHARS = 200;
/** What replaces a secret's value. */
export const REDACTED = '[redacted]';

const SECRET_KEY =
  /token|secret|password|passwd|api[-_]?key|authorization|credential|cookie|private[-_]?key/i;
const MAX_DEPTH = 8;
const MAX_ARRAY_ITEMS = 50;

/**
 * A redacted summary of a request body for the audit log: notebook content
 * becomes `{ cells, bytes, sha256 }`, URLs their origin (a webhook's path is
 * its secret), the values of keys that name a secret `"[redacted]"`, long
 * strings are cut, and the whole summary fits in {@link MAX_CHANGE_BYTES}
 * (else `{ truncated: true, bytes, sha256, keys }`).
 */
export function summarizeChange(body: unknown): unknown {
  const summary = summarize(body, undefined, 0);
  const json = JSON.stringify(summary);
  if (json === undefined || Buffer.byteLength(json) <= MAX_CHANGE_BYTES) return summary;
  const whole = JSON.stringify(body) ?? '';
  return {
    truncated: true,
    bytes: Buffer.byteLength(whole),
    sha256: sha256(whole),
    ...(isPlainObject(body) ? { keys: Object.keys(body).slice(0, MAX_ARRAY_ITEMS).map(cut) } : {}),
  };
}

function summarize(value: unknown, key: string | undefined, depth: number): unknown {
  if (key !== undefined && SECRET_KEY.test(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return summarizeString(value);
  if (value === null || typeof value !== 'object') return value;
  if (isNotebook(value, key)) return notebookDigest(value);
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ARRAY_ITEMS).map((item) => summarize(item, undefined, depth + 1));
    if (value.length > MAX_ARRAY_ITEMS) items.push(`[${value.length - MAX_ARRAY_ITEMS} more]`);
    return items;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [cut(k), summarize(v, k, depth + 1)]));
}

/** URLs keep only their origin; other strings are cut to {@link MAX_STRING_CHARS}. */
function summarizeString(text: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      if (url.origin !== 'null') return url.origin;
      return `${url.protocol}//…`;
    } catch {
      return '[unparsable URL]';
    }
  }
  return cut(text);
}

function cut(text: string): string {
  return text.length > MAX_STRING_CHARS ? `${text.slice(0, MAX_STRING_CHARS)}… (${text.length} chars)` : text;
}

/** An nbformat notebook: a `cells` array, with `nbformat` or under a `content`/`notebook` key. */
function isNotebook(value: object, key: string | undefined): value is { cells: unknown[] } {
  const candidate = value as { cells?: unknown; nbformat?: unknown };
  if (!Array.isArray(candidate.cells)) return false;
  return typeof candidate.nbformat === 'number' || key === 'content' || key === 'notebook';
}

function notebookDigest(notebook: { cells: unknown[] }): { cells: number; bytes: number; sha256: string } {
  const json = JSON.stringify(notebook);
  return { cells: notebook.cells.length, bytes: Buffer.byteLength(json), sha256: sha256(json) };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
