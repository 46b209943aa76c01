import type { TranslationBundle } from '@jupyterlab/translation';
import { ErrorMessage, ProgressBar } from '@turing/ui';
import React from 'react';

import type { SwitchStatus } from './switch-flow';

/** Props of {@link SwitchStatusView}. */
export interface SwitchStatusViewProps {
  status: SwitchStatus;
  onDismiss: () => void;
  trans: TranslationBundle;
}

/** The progress bar and outcome of a switch or a new-server start. */
export function SwitchStatusView({ status, onDismiss, trans }: SwitchStatusViewProps): React.ReactElement {
  switch (status.step) {
    case 'saving':
      return <div className="jp-Turing-Status">{trans.__('Saving open documents…')}</div>;
    case 'stopping':
      return (
        <div className="jp-Turing-Status">
          <ProgressBar
            value={0}
            max={100}
            label={trans.__('Server start')}
            valueText={trans.__('Stopping')}
          />
          <div className="jp-Turing-Status-message">{trans.__('Stopping the server…')}</div>
        </div>
      );
    case 'starting':
      return (
        <div className="jp-Turing-Status">
          <ProgressBar
            value={status.percent}
            max={100}
            label={trans.__('Server start')}
            valueText={trans.__('%1%', status.percent)}
          />
          <div className="jp-Turing-Status-message">{status.message || trans.__('Starting…')}</div>
        </div>
      );
    case 'ready':
      return (
        <div className="jp-Turing-Status jp-mod-ready">
          <div className="jp-Turing-Status-message">{status.message}</div>
          <a href={status.url} target="_blank" rel="noopener">
            {trans.__('Open JupyterLab on the server')}
          </a>
        </div>
      );
    case 'failed':
    case 'error':
      return (
        <div className="jp-Turing-Status">
          {status.step === 'failed' ? (
            <ErrorMessage
              error={{ title: trans.__('The server failed to start'), detail: status.message, fields: [] }}
              trans={trans}
            />
          ) : (
            <ErrorMessage error={status.error} trans={trans} />
          )}
          <button className="jp-mod-styled jp-mod-reject" onClick={onDismiss}>
            {trans.__('Dismiss')}
          </button>
        </div>
      );
  }
}
