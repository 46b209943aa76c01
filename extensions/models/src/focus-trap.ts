import type React from 'react';

/**
 * Keeps Tab and Shift+Tab inside a modal dialog's `root` (the jobs
 * extension's Schedule dialog does the same; a candidate for `@turing/ui`).
 */
export function trapFocus(event: React.KeyboardEvent, root: HTMLElement | null): void {
  const focusable = Array.from(
    root?.querySelectorAll<HTMLElement>('input, select, button, textarea, a[href], summary') ?? [],
  ).filter((el) => !el.hasAttribute('disabled') && !el.hidden && el.tabIndex >= 0);
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) {
    return;
  }
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}
