import React from 'react';

/** What a {@link ProgressBar}'s color says: under way, or how it ended. */
export type ProgressTone = 'info' | 'success' | 'error' | 'warning';

/** Props of {@link ProgressBar}. */
export interface ProgressBarProps {
  /** How far it is, from 0 to `max`. */
  value: number;
  max: number;
  /** The (translated) accessible name. */
  label: string;
  /** The (translated) value for assistive technology, e.g. "cell 3 of 8". */
  valueText?: string;
  /**
   * The outcome the bar is colored by (default `'info'`, the brand color while
   * running): a failed run is `'error'` (red), not a full blue bar. Exposed as
   * `data-tone`.
   */
  tone?: ProgressTone;
  /** The `data-testid` of the bar. */
  testId?: string;
}

/** A thin themed progress bar (`role="progressbar"`), colored by its {@link ProgressTone}. */
export function ProgressBar({
  value,
  max,
  label,
  valueText,
  tone = 'info',
  testId,
}: ProgressBarProps): React.ReactElement {
  const now = Math.max(0, Math.min(value, max));
  const percent = max > 0 ? Math.round((now / max) * 100) : 0;
  return (
    <div
      className={`jp-Turing-Progress jp-Turing-Progress-${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={now}
      aria-valuetext={valueText}
      data-tone={tone}
      data-testid={testId}
    >
      <div className="jp-Turing-Progress-bar" style={{ width: `${percent}%` }} />
    </div>
  );
}
