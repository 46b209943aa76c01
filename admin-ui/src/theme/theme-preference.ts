/** The theme the user chose; `system` follows `prefers-color-scheme`. */
export type ThemePreference = 'light' | 'dark' | 'system';

/** The theme the page shows. */
export type Theme = 'light' | 'dark';

/** Where the choice is kept. */
export const THEME_STORAGE_KEY = 'turing-admin-theme';

/** The attribute on `<html>` naming the theme shown; the theme CSS switches on it. */
export const THEME_ATTRIBUTE = 'data-turing-theme';

/** The stored preference; `system` when nothing (or something unknown) is stored. */
export function readThemePreference(storage: Pick<Storage, 'getItem'> | undefined): ThemePreference {
  let stored: string | null = null;
  try {
    stored = storage?.getItem(THEME_STORAGE_KEY) ?? null;
  } catch {
    // Storage can be blocked (private mode, policies): follow the system.
  }
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** Keeps the preference (forgets it for `system`). */
export function storeThemePreference(
  storage: Pick<Storage, 'setItem' | 'removeItem'>,
  preference: ThemePreference,
): void {
  try {
    if (preference === 'system') {
      storage.removeItem(THEME_STORAGE_KEY);
    } else {
      storage.setItem(THEME_STORAGE_KEY, preference);
    }
  } catch {
    // Not kept; the choice still applies to this page.
  }
}

/** The theme a preference shows, given whether the system prefers dark. */
export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): Theme {
  if (preference === 'system') {
    return systemPrefersDark ? 'dark' : 'light';
  }
  return preference;
}

/**
 * Shows `preference` on the page: `data-turing-theme` on `<html>` is the theme
 * shown (`light` or `dark`, the theme CSS switches on it; for `system` it
 * follows `prefers-color-scheme`), `data-turing-theme-preference` the choice.
 */
export function applyThemePreference(
  root: HTMLElement,
  preference: ThemePreference,
  systemPrefersDark: boolean,
): Theme {
  const shown = resolveTheme(preference, systemPrefersDark);
  root.setAttribute(THEME_ATTRIBUTE, shown);
  root.setAttribute(`${THEME_ATTRIBUTE}-preference`, preference);
  return shown;
}
