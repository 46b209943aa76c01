import type { LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

/** Props of {@link IconButton} and {@link TextButton}. */
export interface ButtonProps {
  icon: LabIcon;
  /**
   * The (translated) text: the accessible name (`aria-label`) and tooltip
   * (`title`) of an icon button, the label of a text button. Name the item in
   * a list ("Delete job daily-ctr"), so each button's name is unique.
   */
  label: string;
  onClick: () => void;
  disabled?: boolean;
  /** The `data-testid` of the button. */
  testId?: string;
}

/** A borderless button showing only an icon; `label` is its accessible name and tooltip. */
export function IconButton({ icon, label, onClick, disabled, testId }: ButtonProps): React.ReactElement {
  return (
    <button
      type="button"
      className="jp-Turing-IconButton"
      aria-label={label}
      title={label}
      disabled={disabled}
      data-testid={testId}
      onClick={onClick}
    >
      <icon.react tag="span" />
    </button>
  );
}

/** A styled button with an icon before its label, e.g. "+ Add parameter". */
export function TextButton({ icon, label, onClick, disabled, testId }: ButtonProps): React.ReactElement {
  return (
    <button
      type="button"
      className="jp-mod-styled jp-Turing-TextButton"
      disabled={disabled}
      data-testid={testId}
      onClick={onClick}
    >
      <icon.react tag="span" />
      {label}
    </button>
  );
}
