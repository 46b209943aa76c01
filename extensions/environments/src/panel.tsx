import type { TranslationBundle } from '@jupyterlab/translation';
import type { SidePanel } from '@jupyterlab/ui-components';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient } from '@turing/client';
import { createSidePanel } from '@turing/ui';
import React from 'react';

import { EnvironmentsView } from './environments-view';
import { environmentsIcon } from './icons';
import type { EnvironmentsSettings } from './settings';
import { DEFAULT_SETTINGS } from './settings';
import { PANEL_ID } from './tokens';

/** Options of {@link EnvironmentsBody}. */
export interface EnvironmentsBodyOptions {
  client: ITuringClient;
  commands: CommandRegistry;
  trans: TranslationBundle;
}

/** The React body of the panel; settings and selection requests re-render it. */
export class EnvironmentsBody extends ReactWidget {
  private settings: EnvironmentsSettings = { ...DEFAULT_SETTINGS };
  private request: { environment?: string; serial: number } = { serial: 0 };

  constructor(private readonly options: EnvironmentsBodyOptions) {
    super();
    this.addClass('jp-Turing-EnvironmentsBody');
  }

  /** Applies new settings. */
  setSettings(settings: EnvironmentsSettings): void {
    this.settings = settings;
    this.update();
  }

  /** Selects an environment in the list (e.g. from the command's arguments). */
  select(environment: string | undefined): void {
    this.request = environment ? { environment, serial: this.request.serial + 1 } : this.request;
    this.update();
  }

  protected render(): React.ReactElement {
    return <EnvironmentsView {...this.options} settings={this.settings} request={this.request} />;
  }
}

/** The Environments side panel and its body. */
export interface EnvironmentsPanel {
  panel: SidePanel;
  body: EnvironmentsBody;
}

/** Creates the right side panel with its icon, caption and accessible label. */
export function createEnvironmentsPanel(options: EnvironmentsBodyOptions): EnvironmentsPanel {
  const { trans } = options;
  const body = new EnvironmentsBody(options);
  const panel = createSidePanel({
    id: PANEL_ID,
    className: 'jp-Turing-EnvironmentsPanel',
    icon: environmentsIcon,
    caption: trans.__('Turing Environments'),
    body,
    label: trans.__('Environments'),
  });
  return { panel, body };
}
