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

/** A notebook whose parameters cell computes one value (`start`, kept from the notebook) and sets two literals. */
export const DATES_NOTEBOOK = {
  cells: [
    {
      cell_type: 'code',
      execution_count: null,
      id: 'params',
      metadata: { tags: ['parameters'] },
      outputs: [],
      source: 'import datetime\n\nstart = datetime.date(2026, 1, 1)\ndays = 7\nregions = ["emea"]\n',
    },
    {
      cell_type: 'code',
      execution_count: null,
      id: 'report',
      metadata: {},
      outputs: [],
      source: 'print(start, days, regions)\n',
    },
  ],
  metadata: { kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' } },
  nbformat: 4,
  nbformat_minor: 5,
};
