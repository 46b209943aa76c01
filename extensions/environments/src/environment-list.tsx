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

/** Props of {@link EnvironmentList}. */
export interface EnvironmentListProps {
  environments: Environment[];
  selectedId: string | null;
  /** The id of the environment the server runs now, marked in the list. */
  currentId: string | undefined;
  onSelect: (id: string) => void;
  trans: TranslationBundle;
}

/** The catalog entries as a single-select list (arrow keys move the selection). */
export function EnvironmentList(props: EnvironmentListProps): React.ReactElement {
  const { environments, selectedId, currentId, onSelect, trans } = props;
  if (environments.length === 0) {
    return (
      <div className="jp-Turing-Empty">{trans.__('No environment matches the search and filters.')}</div>
    );
  }
  const onKeyDown = (event: React.KeyboardEvent<HTMLUListElement>): void => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') {
      return;
    }
    event.preventDefault();
    const index = environments.findIndex((e) => e.id === selectedId);
    const step = event.key === 'ArrowDown' ? 1 : -1;
    const next = environments[Math.min(environments.length - 1, Math.max(0, index + step))];
    if (next) {
      onSelect(next.id);
    }
  };
  return (
    <ul
      className="jp-Turing-EnvList"
      role="listbox"
      aria-label={trans.__('Environments')}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      {environments.map((env) => {
        const selected = env.id === selectedId;
        return (
          <li
            key={env.id}
            role="option"
            aria-selected={selected}
            className={`jp-Turing-EnvItem${selected ? ' jp-mod-selected' : ''}`}
            onClick={() => onSelect(env.id)}
          >
            <div className="jp-Turing-EnvItem-header">
              <span className="jp-Turing-EnvItem-name">{env.displayName}</span>
              <StatusBadge tone={isGpuEnvironment(env) ? 'success' : 'muted'}>
                {isGpuEnvironment(env) ? trans.__('GPU') : trans.__('CPU')}
              </StatusBadge>
              {env.id === currentId && (
                <StatusBadge tone="active" className="jp-Turing-Current-tag">
                  {trans.__('current')}
                </StatusBadge>
              )}
            </div>
            {env.description && <div className="jp-Turing-EnvItem-description">{env.description}</div>}
            <VersionBadges environment={env} />
          </li>
        );
      })}
    </ul>
  );
}
