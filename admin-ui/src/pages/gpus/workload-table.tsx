import React from 'react';

import type { WorkloadKind } from '../../api/types';
import { WORKLOAD_KINDS } from '../../api/types';
import { trans } from '../../app/translation';
import { EmptyRow } from '../../components/empty-row';
import { TableHead } from '../../components/table-head';
import { kindLabel } from './workload-kinds';

/** One row of a {@link WorkloadTable}. */
export interface WorkloadTableRow {
  /** The row header (a user, a GPU type); also the React key. */
  label: string;
  values: Record<WorkloadKind, number>;
  /** The last cell: the total, or "n of capacity". */
  total: React.ReactNode;
  testId?: string;
}

/** Props of {@link WorkloadTable}. */
export interface WorkloadTableProps {
  /** The header of the label column ("User", "GPU type"). */
  labelHeader: string;
  rows: WorkloadTableRow[];
  /** The table's accessible name: a label, or the id of its heading. */
  name: { label: string } | { labelledBy: string };
  /** Shown in one row when there are no rows; without it the body stays empty. */
  emptyText?: string;
  testId: string;
}

/** GPUs per row and workload kind with a total column (numbers right-aligned). */
export function WorkloadTable(props: WorkloadTableProps): React.ReactElement {
  const { labelHeader, rows, name, emptyText, testId } = props;
  return (
    <table
      className="jp-Turing-Table"
      aria-label={'label' in name ? name.label : undefined}
      aria-labelledby={'labelledBy' in name ? name.labelledBy : undefined}
      data-testid={testId}
    >
      <TableHead
        columns={[
          labelHeader,
          ...WORKLOAD_KINDS.map((kind) => ({ label: kindLabel(kind), numeric: true, key: kind })),
          { label: trans.__('Total'), numeric: true },
        ]}
      />
      <tbody>
        {rows.length === 0 && emptyText && (
          <EmptyRow columns={WORKLOAD_KINDS.length + 2}>{emptyText}</EmptyRow>
        )}
        {rows.map((row) => (
          <tr key={row.label} data-testid={row.testId}>
            <th scope="row">{row.label}</th>
            {WORKLOAD_KINDS.map((kind) => (
              <td key={kind} className="jp-Turing-Admin-numeric">
                {row.values[kind]}
              </td>
            ))}
            <td className="jp-Turing-Admin-numeric">{row.total}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
