/**
 * Which cell of a run's output notebook raised: papermill marks it with
 * `metadata.papermill.exception: true`; a notebook run without papermill's
 * marks falls back to the first code cell with an `error` output.
 */

type Cell = { cell_type?: unknown; metadata?: unknown; outputs?: unknown };

function cellsOf(notebook: unknown): Cell[] {
  const cells = (notebook as { cells?: unknown } | null)?.cells;
  return Array.isArray(cells) ? (cells as Cell[]) : [];
}

function raisedPerPapermill(cell: Cell): boolean {
  const papermill = (cell?.metadata as { papermill?: { exception?: unknown } } | undefined)?.papermill;
  return papermill?.exception === true;
}

function hasErrorOutput(cell: Cell): boolean {
  return (
    cell?.cell_type === 'code' &&
    Array.isArray(cell.outputs) &&
    cell.outputs.some((o) => (o as { output_type?: unknown } | null)?.output_type === 'error')
  );
}

/** The 0-based index of the cell that raised in `notebook`, or `undefined` if none did. */
export function failingCellIndex(notebook: unknown): number | undefined {
  const cells = cellsOf(notebook);
  const marked = cells.findIndex(raisedPerPapermill);
  if (marked >= 0) {
    return marked;
  }
  const errored = cells.findIndex(hasErrorOutput);
  return errored >= 0 ? errored : undefined;
}
