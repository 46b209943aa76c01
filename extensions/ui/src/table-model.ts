/** The order of a sorted column (the values of `aria-sort`). */
export type SortDirection = 'ascending' | 'descending';

/** Which column a table is sorted by, and how. */
export interface SortState {
  column: string;
  direction: SortDirection;
}

/** What a sortable cell sorts by. */
export type SortValue = string | number;

/** The rows-per-page choices of a {@link DataTable}. */
export const PAGE_SIZES: readonly number[] = [25, 50, 100];

/** The default rows per page. */
export const DEFAULT_PAGE_SIZE = 25;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Numbers before strings; numbers numerically; strings by locale, digits as numbers ("job-2" < "job-10"). */
export function compareSortValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') {
    // NaN (a missing value) sorts last.
    if (Number.isNaN(a) || Number.isNaN(b)) {
      return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
    }
    return a - b;
  }
  if (typeof a === 'number') {
    return -1;
  }
  if (typeof b === 'number') {
    return 1;
  }
  return collator.compare(a, b);
}

/**
 * The rows ordered by `value`; stable (equal values keep their input order in
 * both directions). Each value is computed once per row, so this stays fast
 * for thousands of rows. The input is not changed.
 */
export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, direction: SortDirection): T[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const keyed = rows.map((row, index) => ({ row, index, key: value(row) }));
  keyed.sort((x, y) => sign * compareSortValues(x.key, y.key) || x.index - y.index);
  return keyed.map((entry) => entry.row);
}

/** The sort after activating a column header: a new column ascends, the sorted one flips. */
export function toggleSort(current: SortState | null, column: string): SortState {
  if (current?.column === column) {
    return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  }
  return { column, direction: 'ascending' };
}

/** How many pages `total` rows fill (at least one, so an empty table is "page 1 of 1"). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
}

/** The page to show: `page` while it still exists, else page 1 (the rows shrank below it). */
export function validPage(page: number, total: number, pageSize: number): number {
  return page >= 1 && page <= pageCount(total, pageSize) ? page : 1;
}

/** The rows of one page (1-based). */
export function pageRows<T>(rows: readonly T[], page: number, pageSize: number): readonly T[] {
  const start = (page - 1) * pageSize;
  return rows.slice(start, start + pageSize);
}

/** The 1-based positions of the first and last row on a page (0 and 0 for no rows). */
export function pageRange(page: number, total: number, pageSize: number): { first: number; last: number } {
  if (total === 0) {
    return { first: 0, last: 0 };
  }
  const first = (page - 1) * pageSize + 1;
  return { first, last: Math.min(total, first + pageSize - 1) };
}
