import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { ITuringClient } from '@turing/client';
import React from 'react';

import { environmentsIcon } from './icons';
import { statusLabel } from './status-label';
import { currentServerOf, useCatalog } from './use-catalog';

/** Props of {@link EnvironmentStatus}. */
export interface EnvironmentStatusProps {
  client: ITuringClient;
  /** Shows the Environments panel. */
  onOpen: () => void;
  trans: TranslationBundle;
}

/** The status-bar button: the server's environment and GPUs; it opens the Environments panel. */
export function EnvironmentStatus({ client, onOpen, trans }: EnvironmentStatusProps): React.ReactElement {
  const [catalog] = useCatalog(client);
  const current = currentServerOf(catalog, client.connection.hub.serverName);
  const label = statusLabel(current, catalog.data?.environments ?? [], catalog.loading, trans);
  return (
    <button
      type="button"
      className="jp-Turing-EnvStatus"
      aria-label={label.name}
      title={label.name}
      data-testid="environment-status"
      onClick={onOpen}
    >
      <span aria-hidden="true" className="jp-Turing-EnvStatus-icon">
        <environmentsIcon.react tag="span" />
      </span>
      <span className="jp-Turing-EnvStatus-text">{label.text}</span>
    </button>
  );
}

/** The status-bar item widget around {@link EnvironmentStatus}. */
export class EnvironmentStatusItem extends ReactWidget {
  constructor(private readonly props: EnvironmentStatusProps) {
    super();
    this.addClass('jp-Turing-EnvStatusItem');
  }

  protected render(): React.ReactElement {
    return <EnvironmentStatus {...this.props} />;
  }
}
