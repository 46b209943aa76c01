import type { JsonValue } from '@turing/client';

import { parsePythonLiteral } from './python-literal';

/**
 * Job parameters as the Schedule dialog edits them: one row per name with a
 * type and the value as typed text. Rows come from the notebook's cell tagged
 * `parameters` (papermill's convention) or from a job's stored parameters.
 */

/** The value types a parameter row can have. */
export type ParameterType = 'string' | 'integer' | 'number' | 'boolean' | 'json';

/** Every {@link ParameterType}, in the order the type select lists them. */
export const PARAMETER_TYPES: readonly ParameterType[] = ['string', 'integer', 'number', 'boolean', 'json'];

/** One editable parameter. */
export interface ParameterRow {
  name: string;
  type: ParameterType;
  /** The value as the user types it: strings without quotes, JSON for `json`. */
  text: string;
  /**
   * The Python source of a value the parameters cell assigns that is not a
   * literal (`start = datetime.date(2026, 1, 1)`). Such a row is kept from
   * the notebook: shown read-only, never an error and not sent (papermill
   * keeps the notebook's value), unless the user turns {@link override} on.
   */
  expression?: string;
  /** The user replaces the notebook's {@link expression} with the typed `text`. */
  override?: boolean;
}

/** What was read from a parameters cell. */
export interface ParametersCell {
  /** One row per assigned name; a name assigned a non-literal gets a row with its {@link ParameterRow.expression}. */
  rows: ParameterRow[];
}

/** Whether the row keeps the notebook's own value (a non-literal the user did not override). */
export function isKeptRow(row: ParameterRow): boolean {
  return row.expression !== undefined && !row.override;
}

/**
 * Turns the override of a kept row on (an empty string value to fill in) or
 * off (back to the notebook's value).
 */
export function setOverride(row: ParameterRow, on: boolean): ParameterRow {
  if (row.expression === undefined) {
    return row;
  }
  return on
    ? { name: row.name, type: 'string', text: '', expression: row.expression, override: true }
    : { name: row.name, type: 'string', text: '', expression: row.expression };
}

/** A minimal notebook shape: cells with a source and tags. */
interface CellLike {
  cell_type?: unknown;
  source?: unknown;
  metadata?: { tags?: unknown };
}

/** The source of the first code cell tagged `parameters`, or `undefined`. */
export function parametersCellSource(notebook: { cells?: unknown }): string | undefined {
  const cells = Array.isArray(notebook.cells) ? (notebook.cells as CellLike[]) : [];
  const cell = cells.find(
    (c) =>
      c.cell_type === 'code' && Array.isArray(c.metadata?.tags) && c.metadata.tags.includes('parameters'),
  );
  if (!cell) {
    return undefined;
  }
  return Array.isArray(cell.source)
    ? cell.source.join('')
    : typeof cell.source === 'string'
      ? cell.source
      : '';
}

/**
 * Splits Python source into top-level statements: at newlines and `;`
 * outside brackets and strings (so a list may span lines), dropping comments.
 */
export function splitStatements(source: string): string[] {
  const statements: string[] = [];
  let current = '';
  let depth = 0;
  let i = 0;
  const flush = () => {
    if (current.trim()) {
      statements.push(current.trim());
    }
    current = '';
  };
  while (i < source.length) {
    const c = source[i] ?? '';
    if (c === '"' || c === "'") {
      const triple = source.startsWith(c.repeat(3), i);
      const close = triple ? c.repeat(3) : c;
      let j = i + close.length;
      while (j < source.length && !source.startsWith(close, j) && (triple || source[j] !== '\n')) {
        j += source[j] === '\\' ? 2 : 1;
      }
      j = Math.min(source.length, j + (source.startsWith(close, j) ? close.length : 0));
      current += source.slice(i, j);
      i = j;
      continue;
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') {
        i += 1;
      }
      continue;
    }
    if ('([{'.includes(c)) {
      depth += 1;
    } else if (')]}'.includes(c)) {
      depth = Math.max(0, depth - 1);
    }
    if (depth === 0 && (c === '\n' || c === ';') && !current.endsWith('\\')) {
      flush();
    } else {
      current += c;
    }
    i += 1;
  }
  flush();
  return statements;
}

/** The natural row type of a JSON value. */
export function typeOfValue(value: JsonValue): ParameterType {
  if (typeof value === 'string') {
    return 'string';
  }
  if (typeof value === 'boolean') {
    return 'boolean';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return 'json';
}

/** The text a row shows for a value of a type. */
export function formatValue(value: JsonValue, type: ParameterType): string {
  if (type === 'string' && typeof value === 'string') {
    return value;
  }
  if (type === 'number' && typeof value === 'number') {
    return String(value);
  }
  return JSON.stringify(value);
}

/** Rows for stored parameters (a job's), in key order. */
export function rowsFromParameters(parameters: Record<string, JsonValue>): ParameterRow[] {
  return Object.entries(parameters).map(([name, value]) => {
    const type = typeOfValue(value);
    return { name, type, text: formatValue(value, type) };
  });
}

/** The row for one `name = expression` assignment of a parameters cell. */
function rowOfAssignment(name: string, annotation: string | undefined, expression: string): ParameterRow {
  const value = parsePythonLiteral(expression);
  if (value === undefined) {
    // No JSON type fits a call or an expression: the notebook computes it.
    return { name, type: 'string', text: '', expression: expression.trim() };
  }
  let type = typeOfValue(value);
  if (type === 'integer' && /[.eE]/.test(expression) && !/^[-+]?0[xob]/i.test(expression.trim())) {
    type = 'number';
  }
  // `lr: float = 1` is a float in Python: keep it a number, not an integer.
  if (annotation === 'float' && typeof value === 'number') {
    type = 'number';
  }
  return { name, type, text: formatValue(value, type) };
}

/**
 * Reads `name = value` assignments (optionally annotated, `n: int = 3`)
 * from a parameters cell. A float literal such as `1.0` stays a `number`; a
 * value that is not a literal gives a row kept from the notebook. The last assignment of a
 * name wins, as in Python.
 */
export function parseParametersCell(source: string): ParametersCell {
  const rows: ParameterRow[] = [];
  for (const statement of splitStatements(source)) {
    const match = /^([A-Za-z_]\w*)\s*(?::\s*([^=]+?)\s*)?=(?!=)\s*([\s\S]+)$/.exec(statement);
    if (!match) {
      continue;
    }
    const [, name = '', annotation, expression = ''] = match;
    const row = rowOfAssignment(name, annotation, expression);
    const existing = rows.findIndex((r) => r.name === name);
    if (existing >= 0) {
      rows[existing] = row;
    } else {
      rows.push(row);
    }
  }
  return { rows };
}

/** The result of reading a row's text as its type. */
export type TypedValue = { ok: true; value: JsonValue } | { ok: false };

/** Reads `text` as a value of `type`; `{ok: false}` when it is not one. */
export function parseTypedValue(type: ParameterType, text: string): TypedValue {
  const trimmed = text.trim();
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'integer': {
      const n = /^[-+]?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
      return Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false };
    }
    case 'number': {
      const valid = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed);
      const n = valid ? Number(trimmed) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false };
    }
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      return lower === 'true' || lower === 'false' ? { ok: true, value: lower === 'true' } : { ok: false };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(trimmed) as JsonValue };
      } catch {
        return { ok: false };
      }
  }
}

/**
 * Converts a row's text when the user picks another type, keeping the value
 * when it fits; an empty value stays empty.
 */
export function convertRow(row: ParameterRow, type: ParameterType): ParameterRow {
  if (row.text.trim() === '') {
    return { ...row, type };
  }
  const current = parseTypedValue(row.type, row.text);
  if (!current.ok) {
    return { ...row, type };
  }
  const value = current.value;
  if (type === 'string') {
    return { ...row, type, text: typeof value === 'string' ? value : JSON.stringify(value) };
  }
  if (typeof value === 'string' && parseTypedValue(type, value).ok) {
    return { ...row, type, text: value };
  }
  return { ...row, type, text: formatValue(value, type) };
}

/** What is wrong with one row. */
export type RowProblem =
  | { kind: 'name-empty' }
  | { kind: 'name-invalid' }
  | { kind: 'name-duplicate' }
  | { kind: 'override-empty' }
  | { kind: 'value'; expected: ParameterType };

/** Checks every row but those kept from the notebook; the map holds the problem of each bad row by index. */
export function validateRows(rows: readonly ParameterRow[]): Map<number, RowProblem> {
  const problems = new Map<number, RowProblem>();
  rows.forEach((row, index) => {
    if (isKeptRow(row)) {
      return;
    }
    if (row.name === '') {
      problems.set(index, { kind: 'name-empty' });
    } else if (!/^[A-Za-z_]\w*$/.test(row.name)) {
      problems.set(index, { kind: 'name-invalid' });
    } else if (rows.findIndex((r) => r.name === row.name) !== index) {
      problems.set(index, { kind: 'name-duplicate' });
    } else if (row.override && row.text.trim() === '') {
      problems.set(index, { kind: 'override-empty' });
    } else if (!parseTypedValue(row.type, row.text).ok) {
      problems.set(index, { kind: 'value', expected: row.type });
    }
  });
  return problems;
}

/** The parameters object of valid rows (kept rows and rows with problems are left out). */
export function rowsToParameters(rows: readonly ParameterRow[]): Record<string, JsonValue> {
  const parameters: Record<string, JsonValue> = {};
  const problems = validateRows(rows);
  rows.forEach((row, index) => {
    const typed = parseTypedValue(row.type, row.text);
    if (!isKeptRow(row) && !problems.has(index) && typed.ok) {
      parameters[row.name] = typed.value;
    }
  });
  return parameters;
}

/** The part of a translation bundle the messages need. */
export interface Translate {
  __(message: string, ...args: Array<string | number>): string;
}

const TYPE_NAMES = (trans: Translate): Record<ParameterType, string> => ({
  string: trans.__('a string'),
  integer: trans.__('an integer'),
  number: trans.__('a number'),
  boolean: trans.__('true or false'),
  json: trans.__('valid JSON'),
});

/** The message for a row problem, e.g. `n: 'abc' is not an integer`. */
export function describeRowProblem(row: ParameterRow, problem: RowProblem, trans: Translate): string {
  switch (problem.kind) {
    case 'name-empty':
      return trans.__('Enter a parameter name.');
    case 'name-invalid':
      return trans.__('%1: not a valid Python name', row.name);
    case 'name-duplicate':
      return trans.__('%1: this name is used twice', row.name);
    case 'override-empty':
      return trans.__(
        "%1: enter the value to use instead of %2, or turn Override off to keep the notebook's value.",
        row.name,
        row.expression ?? '',
      );
    case 'value':
      return trans.__("%1: '%2' is not %3", row.name, row.text, TYPE_NAMES(trans)[problem.expected]);
  }
}
