import React from 'react';

import type { GpuCapacity } from '../../api/types';
import { trans } from '../../app/translation';
import { EmptyRow } from '../../components/empty-row';
import { TableHead } from '../../components/table-head';

/** Props of {@link CapacityTable}. */
export interface CapacityTableProps {
  /** The table's (translated) accessible name. */
  title: string;
  /** The header of the label column ("GPU type", "Node"). */
  header: string;
  /** With `product`, a GPU type column is shown. */
  rows: Array<GpuCapacity & { label: string; product?: string }>;
  testId: string;
}

/** Capacity, allocated and free GPUs per GPU type or node. */
export function CapacityTable({ title, header, rows, testId }: CapacityTableProps): React.ReactElement {
  const showProduct = rows.some((row) => row.product !== undefined);
  const columns = [
    header,
    ...(showProduct ? [trans.__('GPU type')] : []),
    { label: trans.__('Capacity'), numeric: true },
    { label: trans.__('Allocated'), numeric: true },
    { label: trans.__('Free'), numeric: true },
  ];
  return (
    <table className="jp-Turing-Table" aria-label={title} data-testid={testId}>
      <TableHead columns={columns} />
      <tbody>
        {rows.length === 0 && <EmptyRow columns={columns.length}>{trans.__('No GPU nodes.')}</EmptyRow>}
        {rows.map((row) => (
          <tr key={row.label}>
            <th scope="row">{row.label}</th>
            {showProduct && <td>{row.product}</td>}
            <td className="jp-Turing-Admin-numeric">{row.capacity}</td>
            <td className="jp-Turing-Admin-numeric">{row.allocated}</td>
            <td className="jp-Turing-Admin-numeric">{row.free}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
