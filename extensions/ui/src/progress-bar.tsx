import React from 'react';

/** Props of {@link ProgressBar}. */
export interface ProgressBarProps {
  /** How far it is, from 0 to `max`. */
  value: number;
  max: number;
  /** The (translated) accessible name. */
  label: string;
  /** The (translated) value for assistive technology, e.g. "cell 3 of 8". */
  valueText?: string;
}

/** A thin themed progress bar (`role="progressbar"`). */
export function ProgressBar({ value, max, label, valueText }: ProgressBarProps): React.ReactElement {
  const now = Math.max(0, Math.min(value, max));
  const percent = max > 0 ? Math.round((now / max) * 100) : 0;
  return (
    <div
      className="jp-Turing-Progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={now}
      aria-valuetext={valueText}
    >
      <div className="jp-Turing-Progress-bar" style={{ width: `${percent}%` }} />
    </div>
  );
}
