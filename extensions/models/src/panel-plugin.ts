import { sidePanelPlugin } from '@turing/ui';

import { modelsIcon } from './icons';
import { modelsOf } from './models-api';
import { createModelsPanel } from './models-panel';
import { readPanelSettings } from './settings';
import { CommandIDs, PANEL_ID, PANEL_PLUGIN_ID } from './tokens';

/** The hub's origin: the page's, unless JupyterHub names another host. */
function hubOrigin(hubHost: string): string {
  return hubHost || window.location.origin;
}

/** The models side panel and the command that shows it. */
export const panelPlugin = sidePanelPlugin({
  id: PANEL_PLUGIN_ID,
  description:
    'A side panel listing Turing models: replicas, versions, traffic, Try it, charts, keys and logs.',
  area: 'left',
  rank: 710,
  create: ({ app, client, trans }) =>
    createModelsPanel({
      models: modelsOf(client),
      homeOwner: client.connection.hub.user,
      origin: hubOrigin(client.connection.hub.hubHost),
      openInMainArea: (model) => void app.commands.execute(CommandIDs.openModelsView, model ? { model } : {}),
      trans,
    }),
  setup: ({ app, trans, palette, body }) => {
    app.commands.addCommand(CommandIDs.openModels, {
      label: trans.__('Show Turing Models'),
      caption: trans.__('Show your published models, their traffic and endpoints'),
      icon: (args) => (args.isPalette ? undefined : modelsIcon),
      execute: (args) => {
        body.reveal(typeof args.model === 'string' && args.model !== '' ? args.model : undefined);
        app.shell.activateById(PANEL_ID);
      },
    });
    palette?.addItem({ command: CommandIDs.openModels, category: trans.__('Turing') });
  },
  readSettings: readPanelSettings,
  settingsName: 'Models panel',
});
