import React from 'react';

/** Props of {@link InlineField}. */
export interface InlineFieldProps {
  /** The (translated) label shown above the control. */
  label: string;
  /** The one control the label names. */
  children: React.ReactNode;
}

/** A small label above its control, for filter rows and toolbars; the `<label>` wraps the control. */
export function InlineField({ label, children }: InlineFieldProps): React.ReactElement {
  return (
    <label className="jp-Turing-Admin-filter">
      <span>{label}</span>
      {children}
    </label>
  );
}
