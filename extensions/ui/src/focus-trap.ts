import type React from 'react';

/** What Tab can reach in our dialogs (`summary` toggles a `details`). */
const FOCUSABLE = 'input, select, button, textarea, a[href], summary';

/**
 * Keeps Tab and Shift+Tab inside a modal dialog's `root`: call it from the
 * dialog's keydown handler for `Tab`. Focus wraps from the last focusable
 * element to the first and back; elsewhere the browser moves it as usual.
 */
export function trapFocus(event: React.KeyboardEvent, root: HTMLElement | null): void {
  const focusable = Array.from(root?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []).filter(
    (el) => !el.hasAttribute('disabled') && !el.hidden && el.tabIndex >= 0,
  );
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
