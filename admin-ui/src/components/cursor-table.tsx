import { DataTable } from '@turing/ui/lib/data-table';
import type { TableColumn } from '@turing/ui/lib/data-table';
import React from 'react';

import { trans } from '../app/translation';
import type { CursorList } from '../hooks/use-cursor-list';
import { ActionButton } from './action-button';

/** Props of {@link CursorTable}. */
export interface CursorTableProps<T> {
  list: CursorList<T>;
  columns: readonly TableColumn<T>[];
  rowKey: (row: T) => string;
  /** The table's (translated) accessible name. */
  label: string;
  /** The (translated) count line once loaded, e.g. "%1 runs shown, newest first.". */
  countText: (shown: number) => string;
  /** The (translated) text of a loaded table without rows. */
  emptyText: string;
  /** The (translated) text of the button that loads the next page. */
  moreText: string;
  /** Test ids are `<prefix>-count`, `<prefix>-table` and `<prefix>-more`. */
  testIdPrefix: string;
  pageSize?: number;
}

/**
 * A cursor-paged list as a table: the count of rows shown (a polite live
 * region, "Loading…" meanwhile), the table, and a button for the next page
 * while there is one.
 */
export function CursorTable<T>(props: CursorTableProps<T>): React.ReactElement {
  const { list, columns, rowKey, label, countText, emptyText, moreText, testIdPrefix, pageSize } = props;
  const loading = trans.__('Loading…');
  return (
    <>
      <p className="jp-Turing-Hint" aria-live="polite" data-testid={`${testIdPrefix}-count`}>
        {list.loading ? loading : countText(list.items.length)}
      </p>
      <DataTable
        rows={list.items}
        columns={columns}
        rowKey={rowKey}
        label={label}
        pageSize={pageSize}
        emptyText={list.loading ? loading : emptyText}
        testId={`${testIdPrefix}-table`}
        trans={trans}
      />
      {list.hasMore && (
        <ActionButton
          label={moreText}
          disabled={list.loading}
          testId={`${testIdPrefix}-more`}
          onClick={() => void list.loadMore()}
        />
      )}
    </>
  );
}
