import React from 'react';

/** The color of a {@link StatusBadge}, from the theme's success, warn, error and brand colors. */
export type StatusTone = 'success' | 'warn' | 'error' | 'active' | 'muted';

/** Props of {@link StatusBadge}. */
export interface StatusBadgeProps {
  tone: StatusTone;
  /** The (translated) state text, shown upper-case. */
  children: React.ReactNode;
  /** More classes, e.g. a hook for tests. */
  className?: string;
  /** The `data-testid` of the badge. */
  testId?: string;
}

/** A small outlined pill with a state: a job's or run's state, an environment's kind. */
export function StatusBadge({ tone, children, className, testId }: StatusBadgeProps): React.ReactElement {
  const classes = `jp-Turing-StatusBadge jp-Turing-StatusBadge-${tone}${className ? ` ${className}` : ''}`;
  return (
    <span className={classes} data-testid={testId}>
      {children}
    </span>
  );
}
