import React from 'react';

/** Props of {@link SearchBox}. */
export interface SearchBoxProps {
  value: string;
  onChange: (value: string) => void;
  /** The (translated) accessible name, e.g. "Filter jobs by name or state". */
  label: string;
  /** The (translated) placeholder; the label is used when absent. */
  placeholder?: string;
  /** The `data-testid` of the input. */
  testId?: string;
}

/**
 * A themed search input for filtering a list or table (the caller filters).
 * Escape clears a non-empty box (and stops there, so it does not also close a
 * surrounding dialog).
 */
export function SearchBox({
  value,
  onChange,
  label,
  placeholder,
  testId,
}: SearchBoxProps): React.ReactElement {
  return (
    <input
      type="search"
      className="jp-mod-styled jp-Turing-SearchBox"
      aria-label={label}
      placeholder={placeholder ?? label}
      value={value}
      data-testid={testId}
      onChange={(event) => onChange(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && value) {
          event.preventDefault();
          event.stopPropagation();
          onChange('');
        }
      }}
    />
  );
}
