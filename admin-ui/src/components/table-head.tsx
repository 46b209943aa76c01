import React from 'react';

import { trans } from '../app/translation';

/** A column of {@link TableHead}: its (translated) header, or more. */
export type HeadColumn =
  | string
  | {
      /** The (translated) header. */
      label: string;
      /** Right-aligned tabular figures. */
      numeric?: boolean;
      /** React key when labels repeat. */
      key?: string;
    };

/** Props of {@link TableHead}. */
export interface TableHeadProps {
  columns: HeadColumn[];
  /** A last column of row buttons, named "Actions" for screen readers only. */
  actions?: boolean;
}

/** The `<thead>` of a plain `jp-Turing-Table`: one `scope="col"` header per column. */
export function TableHead({ columns, actions }: TableHeadProps): React.ReactElement {
  return (
    <thead>
      <tr>
        {columns.map((column) => {
          const { label, numeric, key } = typeof column === 'string' ? { label: column } : column;
          return (
            <th key={key ?? label} scope="col" className={numeric ? 'jp-Turing-Admin-numeric' : undefined}>
              {label}
            </th>
          );
        })}
        {actions && (
          <th scope="col">
            <span className="jp-Turing-VisuallyHidden">{trans.__('Actions')}</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
