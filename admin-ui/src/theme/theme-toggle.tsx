import React from 'react';

import { trans } from '../app/translation';
import type { ThemePreference } from './theme-preference';

/** Props of {@link ThemeToggle}. */
export interface ThemeToggleProps {
  preference: ThemePreference;
  onChange: (preference: ThemePreference) => void;
}

/** The Light / Dark / System choice: a labelled group of radio buttons styled as a segmented control. */
export function ThemeToggle({ preference, onChange }: ThemeToggleProps): React.ReactElement {
  const choices: Array<{ value: ThemePreference; label: string }> = [
    { value: 'light', label: trans.__('Light') },
    { value: 'dark', label: trans.__('Dark') },
    { value: 'system', label: trans.__('System') },
  ];
  return (
    <fieldset className="jp-Turing-Admin-themeToggle" data-testid="theme-toggle">
      <legend>{trans.__('Theme')}</legend>
      {choices.map((choice) => (
        <label key={choice.value} className="jp-Turing-Admin-themeChoice">
          <input
            type="radio"
            name="turing-admin-theme"
            value={choice.value}
            checked={preference === choice.value}
            data-testid={`theme-${choice.value}`}
            onChange={() => onChange(choice.value)}
          />
          <span>{choice.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
