/** The keys the environment listbox handles, as in the WAI-ARIA listbox pattern. */
export type ListboxKey = 'ArrowDown' | 'ArrowUp' | 'Home' | 'End';

/**
 * The index of the option a key makes active in a list of `count` options, or
 * `null` for keys the listbox does not handle. With no active option (`-1`),
 * ArrowDown starts at the first and ArrowUp at the last.
 */
export function nextActiveIndex(key: string, active: number, count: number): number | null {
  if (count <= 0) {
    return null;
  }
  const last = count - 1;
  switch (key) {
    case 'ArrowDown':
      return active < 0 ? 0 : Math.min(last, active + 1);
    case 'ArrowUp':
      return active < 0 ? last : Math.max(0, active - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}

/** Whether a key selects the active option (Enter or Space). */
export function isSelectKey(key: string): boolean {
  return key === 'Enter' || key === ' ';
}

/**
 * The DOM id of an environment's option: unique per list (`prefix`) and
 * valid whatever characters the catalog id holds.
 */
export function optionId(prefix: string, environmentId: string): string {
  return `${prefix}-option-${environmentId.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}
