import { describe, expect, it } from 'vitest';

import {
  THEME_STORAGE_KEY,
  readThemePreference,
  resolveTheme,
  storeThemePreference,
} from './theme-preference';

function memoryStorage(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    length: 0,
    clear: () => data.clear(),
    key: () => null,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe('theme preference', () => {
  it('follows the system until a theme is chosen', () => {
    const storage = memoryStorage();
    expect(readThemePreference(storage)).toBe('system');
    storeThemePreference(storage, 'dark');
    expect(readThemePreference(storage)).toBe('dark');
    storeThemePreference(storage, 'system');
    expect(storage.data.has(THEME_STORAGE_KEY)).toBe(false);
  });

  it('ignores an unknown stored value and blocked storage', () => {
    const storage = memoryStorage();
    storage.setItem(THEME_STORAGE_KEY, 'sepia');
    expect(readThemePreference(storage)).toBe('system');
    const blocked = {
      getItem: () => {
        throw new Error('blocked');
      },
    };
    expect(readThemePreference(blocked)).toBe('system');
  });

  it('resolves System by the system setting', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });
});
