/**
 * Small nbformat-4 notebooks for job tests. The first code cell is tagged
 * `parameters` when `parameters` is given, as papermill expects.
 */
export interface TestNotebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

function codeCell(source: string, tags: string[] = []): Record<string, unknown> {
  return {
    cell_type: 'code',
    execution_count: null,
    metadata: tags.length > 0 ? { tags } : {},
    outputs: [],
    source,
  };
}

/** A python3 notebook: an optional parameters cell, then one code cell per entry of `cells`. */
export function pythonNotebook(options: { parameters?: string; cells: string[] }): TestNotebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python' },
    },
    cells: [
      ...(options.parameters !== undefined ? [codeCell(options.parameters, ['parameters'])] : []),
      ...options.cells.map((source) => codeCell(source)),
    ],
  };
}
