import { useCallback, useEffect, useLayoutEffect, useState } from 'react';

import type { Theme, ThemePreference } from './theme-preference';
import {
  applyThemePreference,
  readThemePreference,
  resolveTheme,
  storeThemePreference,
} from './theme-preference';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The theme preference (kept in localStorage) applied to `<html>`; with
 * `system`, follows the operating system's light/dark setting as it changes.
 */
export function useTheme(): {
  preference: ThemePreference;
  shown: Theme;
  choose: (p: ThemePreference) => void;
} {
  const [preference, setPreference] = useState<ThemePreference>(() => readThemePreference(storage()));
  const [systemDark, setSystemDark] = useState(() => window.matchMedia(DARK_QUERY).matches);

  useEffect(() => {
    const query = window.matchMedia(DARK_QUERY);
    const onChange = (): void => setSystemDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);

  useLayoutEffect(() => {
    applyThemePreference(document.documentElement, preference, systemDark);
  }, [preference, systemDark]);

  const choose = useCallback((next: ThemePreference): void => {
    const kept = storage();
    if (kept) {
      storeThemePreference(kept, next);
    }
    setPreference(next);
  }, []);

  return { preference, shown: resolveTheme(preference, systemDark), choose };
}
