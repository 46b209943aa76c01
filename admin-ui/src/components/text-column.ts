import type { TableColumn } from '@turing/ui/lib/data-table';

/** A `DataTable` column that shows a text of the row and sorts by it. */
export function textColumn<T>(id: string, header: string, text: (row: T) => string): TableColumn<T> {
  return { id, header, cell: text, sortValue: text };
}
