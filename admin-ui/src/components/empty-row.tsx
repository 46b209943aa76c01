import React from 'react';

/** Props of {@link EmptyRow}. */
export interface EmptyRowProps {
  /** How many columns the table has. */
  columns: number;
  /** The (translated) text, e.g. "No GPU nodes.". */
  children: React.ReactNode;
}

/** The one row of an empty plain `jp-Turing-Table`, across every column. */
export function EmptyRow({ columns, children }: EmptyRowProps): React.ReactElement {
  return (
    <tr>
      <td className="jp-Turing-Table-empty" colSpan={columns}>
        {children}
      </td>
    </tr>
  );
}
