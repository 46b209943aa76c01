import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator } from '@jupyterlab/translation';
import { ITuringClient } from '@turing/client';
import { turingTranslation } from '@turing/ui';

import { EnvironmentStatusItem } from './status-item';
import { PANEL_ID, STATUS_PLUGIN_ID } from './tokens';

/**
 * The status-bar item with the server's current environment (settings
 * `schema/status.json`); a click or Enter opens the Environments panel.
 */
export const statusPlugin: JupyterFrontEndPlugin<void> = {
  id: STATUS_PLUGIN_ID,
  description: "A status-bar item showing the server's Turing environment; it opens the Environments panel.",
  autoStart: true,
  requires: [ITuringClient],
  optional: [IStatusBar, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    client: ITuringClient,
    statusBar: IStatusBar | null,
    translator: ITranslator | null,
  ): void => {
    if (!statusBar) {
      return;
    }
    const trans = turingTranslation(translator);
    const item = new EnvironmentStatusItem({
      client,
      trans,
      onOpen: () => app.shell.activateById(PANEL_ID),
    });
    statusBar.registerStatusItem(STATUS_PLUGIN_ID, { item, align: 'left', rank: 50 });
  },
};
