import React from 'react';

/** Props of {@link ActionButton}. */
export interface ActionButtonProps {
  /** The visible (translated) text. */
  label: string;
  /** Absent on a submit button. */
  onClick?: () => void;
  /** Submits its form instead of running `onClick`. */
  submit?: boolean;
  /** `accept`: the form's main action; `warn`: a destructive one; else a plain styled button. */
  tone?: 'plain' | 'accept' | 'warn';
  /** The compact size of table rows. */
  small?: boolean;
  disabled?: boolean;
  /** The accessible name when the text alone is ambiguous ("Cancel run x of y"). */
  ariaLabel?: string;
  /** For a button that shows or hides a panel. */
  ariaExpanded?: boolean;
  /** Focused when it mounts (the safe choice of a dialog). */
  autoFocus?: boolean;
  testId?: string;
}

const TONE_CLASSES = {
  plain: 'jp-mod-styled jp-Turing-Button',
  accept: 'jp-mod-styled jp-mod-accept',
  warn: 'jp-mod-styled jp-mod-warn',
} as const;

/** A styled text button of the admin pages (Reload, Save, Delete, Cancel …). */
export function ActionButton(props: ActionButtonProps): React.ReactElement {
  const {
    label,
    onClick,
    submit,
    tone = 'plain',
    small,
    disabled,
    ariaLabel,
    ariaExpanded,
    autoFocus,
    testId,
  } = props;
  return (
    <button
      type={submit ? 'submit' : 'button'}
      className={small ? `${TONE_CLASSES[tone]} jp-Turing-SmallButton` : TONE_CLASSES[tone]}
      aria-label={ariaLabel}
      aria-expanded={ariaExpanded}
      disabled={disabled}
      autoFocus={autoFocus}
      data-testid={testId}
      onClick={onClick}
    >
      {label}
    </button>
  );
}
