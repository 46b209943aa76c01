import type { TranslationBundle } from '@jupyterlab/translation';
import type { Environment } from '@turing/client';
import { StatusBadge } from '@turing/ui';
import React from 'react';

import { isGpuEnvironment, versionBadges } from './catalog';

/** The version badges of one environment. */
export function VersionBadges({ environment }: { environment: Environment }): React.ReactElement {
  return (
    <ul className="jp-Turing-Badges">
      {versionBadges(environment).map((badge) => (
        <li key={badge.key} className={`jp-Turing-Badge jp-Turing-Badge-${badge.key.split(':')[0]}`}>
          <span className="jp-Turing-Badge-label">{badge.label}</span>
          <span className="jp-Turing-Badge-version">{badge.version}</span>
        </li>
      ))}
    </ul>
  );
}

/** Props of {@link EnvironmentOption}. */
export interface EnvironmentOptionProps {
  environment: Environment;
  /** The DOM id `aria-activedescendant` refers to. */
  id: string;
  selected: boolean;
  /** The keyboard's position in the list (shown like focus while the list has it). */
  active: boolean;
  current: boolean;
  onSelect: (id: string) => void;
  trans: TranslationBundle;
}

/**
 * One environment card, a listbox option. A selected card is expanded: it
 * also shows the image; its GPU picker follows it, outside the option
 * (an option may not hold form controls).
 */
export function EnvironmentOption(props: EnvironmentOptionProps): React.ReactElement {
  const { environment: env, id, selected, active, current, onSelect, trans } = props;
  const gpu = isGpuEnvironment(env);
  const classes = ['jp-Turing-EnvItem'];
  if (selected) {
    classes.push('jp-mod-selected');
  }
  if (active) {
    classes.push('jp-mod-active');
  }
  return (
    <div
      id={id}
      role="option"
      aria-selected={selected}
      className={classes.join(' ')}
      data-testid={`environment-option-${env.id}`}
      onClick={() => onSelect(env.id)}
    >
      <div className="jp-Turing-EnvItem-header">
        <span className="jp-Turing-EnvItem-name">{env.displayName}</span>
        <StatusBadge tone={gpu ? 'success' : 'muted'}>{gpu ? trans.__('GPU') : trans.__('CPU')}</StatusBadge>
        {current && (
          <StatusBadge tone="active" className="jp-Turing-Current-tag">
            {trans.__('current')}
          </StatusBadge>
        )}
      </div>
      {env.description && <div className="jp-Turing-EnvItem-description">{env.description}</div>}
      <VersionBadges environment={env} />
      {selected && <div className="jp-Turing-EnvItem-image">{env.image}</div>}
    </div>
  );
}
