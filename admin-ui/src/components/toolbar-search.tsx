import { SearchBox } from '@turing/ui/lib/search-box';
import React from 'react';

/** Props of {@link ToolbarSearch}. */
export interface ToolbarSearchProps {
  value: string;
  onChange: (value: string) => void;
  /** The (translated) accessible name, e.g. "Show the models of one user". */
  label: string;
  testId: string;
}

/** A search box alone in a toolbar row above a table. */
export function ToolbarSearch({ value, onChange, label, testId }: ToolbarSearchProps): React.ReactElement {
  return (
    <div className="jp-Turing-Admin-toolbar">
      <SearchBox value={value} onChange={onChange} label={label} testId={testId} />
    </div>
  );
}
