import type { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useMemo, useState } from 'react';

import type { SortState, SortValue } from './table-model';
import {
  DEFAULT_PAGE_SIZE,
  PAGE_SIZES,
  pageCount,
  pageRange,
  pageRows,
  sortRows,
  toggleSort,
  validPage,
} from './table-model';

/** A column of a {@link DataTable}. */
export interface TableColumn<T> {
  /** Unique within the table; also the `initialSort.column` key. */
  id: string;
  /** The (translated) header text. */
  header: string;
  /** The cell's content: text, or your own buttons and links (e.g. a name that opens the detail page). */
  cell: (row: T) => React.ReactNode;
  /** What the column sorts by; the column is sortable only when given. */
  sortValue?: (row: T) => SortValue;
  /** A class on the column's `th` and `td`s, e.g. to set a width or right-align numbers. */
  className?: string;
}

/** Props of {@link DataTable}. */
export interface DataTableProps<T> {
  /** The rows to show, already filtered by the caller. */
  rows: readonly T[];
  /** The columns; keep the array stable (`useMemo`) so a re-render does not sort again. */
  columns: readonly TableColumn<T>[];
  /** A unique, stable key per row (React key and test id). */
  rowKey: (row: T) => string;
  /** The (translated) accessible name of the table. */
  label: string;
  initialSort?: SortState;
  /** Rows per page at first (default 25); the user can pick 25, 50 or 100. */
  pageSize?: number;
  /** The key of the selected row (`aria-selected="true"`, highlighted); `null` selects none. */
  selectedKey?: string | null;
  /** The (translated) text shown when there are no rows. */
  emptyText: string;
  /** The table's `data-testid`; rows get `${testId}-row-${key}`, the pager `${testId}-next` etc. */
  testId?: string;
  trans: TranslationBundle;
}

function headerCell<T>(
  column: TableColumn<T>,
  sort: SortState | null,
  onSort: (column: string) => void,
): React.ReactElement {
  const className = `jp-Turing-Table-header${column.className ? ` ${column.className}` : ''}`;
  if (!column.sortValue) {
    return (
      <th key={column.id} scope="col" className={className}>
        {column.header}
      </th>
    );
  }
  const direction = sort?.column === column.id ? sort.direction : null;
  return (
    <th key={column.id} scope="col" className={className} aria-sort={direction ?? 'none'}>
      <button
        type="button"
        className="jp-Turing-Table-sortButton"
        data-column={column.id}
        onClick={() => onSort(column.id)}
      >
        {column.header}
        <span className="jp-Turing-Table-sortIcon" aria-hidden="true">
          {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}

/**
 * A full-width, sortable, paged table (e.g. the main-area jobs table).
 * Sortable headers are buttons inside `th[aria-sort]` (click, Enter or Space
 * toggles ascending/descending; the sort is stable). Only one page of rows is
 * rendered, and the sort is memoised on the rows, sort and column, so
 * thousands of rows stay fast. When the rows shrink below the current page,
 * the table goes back to page 1. Styled by `.jp-Turing-Table*`.
 */
export function DataTable<T>(props: DataTableProps<T>): React.ReactElement {
  const { rows, columns, rowKey, label, initialSort, selectedKey, emptyText, testId, trans } = props;
  const [sort, setSort] = useState<SortState | null>(initialSort ?? null);
  const [pageSize, setPageSize] = useState(props.pageSize ?? DEFAULT_PAGE_SIZE);
  const [requestedPage, setPage] = useState(1);

  const sortValue = columns.find((c) => c.id === sort?.column)?.sortValue;
  const sorted = useMemo(
    () => (sort && sortValue ? sortRows(rows, sortValue, sort.direction) : rows),
    [rows, sort, sortValue],
  );
  const total = sorted.length;
  const page = validPage(requestedPage, total, pageSize);
  const pages = pageCount(total, pageSize);
  useEffect(() => {
    if (page !== requestedPage) {
      setPage(page);
    }
  }, [page, requestedPage]);

  const shown = pageRows(sorted, page, pageSize);
  const { first, last } = pageRange(page, total, pageSize);
  const sizes = PAGE_SIZES.includes(pageSize) ? PAGE_SIZES : [...PAGE_SIZES, pageSize].sort((a, b) => a - b);
  const id = (suffix: string): string | undefined => (testId ? `${testId}-${suffix}` : undefined);

  return (
    <div className="jp-Turing-TableView">
      <div className="jp-Turing-Table-scroll">
        <table className="jp-Turing-Table" aria-label={label} data-testid={testId}>
          <thead>
            <tr>
              {columns.map((column) => headerCell(column, sort, (c) => setSort((s) => toggleSort(s, c))))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => {
              const key = rowKey(row);
              const selected = selectedKey !== undefined && selectedKey !== null && key === selectedKey;
              return (
                <tr
                  key={key}
                  className={selected ? 'jp-Turing-Table-row jp-mod-selected' : 'jp-Turing-Table-row'}
                  aria-selected={selectedKey === undefined ? undefined : selected}
                  data-testid={id(`row-${key}`)}
                >
                  {columns.map((column) => (
                    <td key={column.id} className={column.className}>
                      {column.cell(row)}
                    </td>
                  ))}
                </tr>
              );
            })}
            {total === 0 && (
              <tr>
                <td className="jp-Turing-Table-empty" colSpan={columns.length} data-testid={id('empty')}>
                  {emptyText}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {total > Math.min(pageSize, ...PAGE_SIZES) && (
        <div className="jp-Turing-Table-pager" data-testid={id('pager')}>
          <span className="jp-Turing-Table-range">{trans.__('Rows %1–%2 of %3', first, last, total)}</span>
          <label className="jp-Turing-Table-pageSize">
            {trans.__('Rows per page')}
            <select
              className="jp-mod-styled"
              value={pageSize}
              data-testid={id('page-size')}
              onChange={(event) => {
                setPageSize(Number(event.target.value));
                setPage(1);
              }}
            >
              {sizes.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="jp-mod-styled jp-Turing-Button jp-Turing-SmallButton"
            aria-label={trans.__('Previous page')}
            disabled={page <= 1}
            data-testid={id('previous')}
            onClick={() => setPage(page - 1)}
          >
            {trans.__('Previous')}
          </button>
          <span className="jp-Turing-Table-page" aria-live="polite" data-testid={id('page')}>
            {trans.__('Page %1 of %2', page, pages)}
          </span>
          <button
            type="button"
            className="jp-mod-styled jp-Turing-Button jp-Turing-SmallButton"
            aria-label={trans.__('Next page')}
            disabled={page >= pages}
            data-testid={id('next')}
            onClick={() => setPage(page + 1)}
          >
            {trans.__('Next')}
          </button>
        </div>
      )}
    </div>
  );
}
