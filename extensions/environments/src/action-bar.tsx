import type { TranslationBundle } from '@jupyterlab/translation';
import type { Environment } from '@turing/client';
import React from 'react';

import type { SwitchStatus } from './switch-flow';
import { SwitchStatusView } from './switch-status';

/** Props of {@link ActionBar}. */
export interface ActionBarProps {
  /** The selected environment, `undefined` before a pick. */
  selected: Environment | undefined;
  canSwitch: boolean;
  canOpenNew: boolean;
  /** Why "Open as new server" is disabled, if it is for lack of GPUs. */
  openNewHint: string | undefined;
  onSwitch: () => void;
  onOpenNew: () => void;
  status: SwitchStatus | null;
  onDismiss: () => void;
  trans: TranslationBundle;
}

/**
 * The sticky bar at the bottom of the panel: Switch and "Open as new server"
 * for the selected environment, and the progress of a switch, so both stay
 * in sight however long the list is.
 */
export const ActionBar = React.forwardRef<HTMLDivElement, ActionBarProps>(function ActionBar(props, ref) {
  const { selected, canSwitch, canOpenNew, openNewHint, onSwitch, onOpenNew, status, onDismiss, trans } =
    props;
  return (
    <div
      ref={ref}
      className="jp-Turing-ActionBar jp-Turing-EnvActionBar"
      role="region"
      aria-label={trans.__('Environment actions')}
      data-testid="environment-action-bar"
    >
      {status ? (
        <SwitchStatusView status={status} onDismiss={onDismiss} trans={trans} />
      ) : (
        <div className="jp-Turing-EnvActionBar-target">
          {selected
            ? trans.__('Selected: %1', selected.displayName)
            : trans.__('Select an environment to switch to it.')}
        </div>
      )}
      <div className="jp-Turing-Actions">
        <button
          type="button"
          className="jp-mod-styled jp-mod-accept jp-Turing-Button"
          disabled={!canSwitch}
          aria-label={selected ? trans.__('Switch to %1', selected.displayName) : undefined}
          data-testid="environment-switch"
          onClick={onSwitch}
        >
          {trans.__('Switch')}
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-Turing-Button"
          disabled={!canOpenNew}
          aria-label={selected ? trans.__('Open as new server with %1', selected.displayName) : undefined}
          title={openNewHint}
          data-testid="environment-open-new"
          onClick={onOpenNew}
        >
          {trans.__('Open as new server')}
        </button>
      </div>
    </div>
  );
});
