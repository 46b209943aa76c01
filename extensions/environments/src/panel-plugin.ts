import { sidePanelPlugin } from '@turing/ui';

import { environmentsIcon } from './icons';
import { createEnvironmentsPanel } from './panel';
import { readSettings } from './settings';
import { CommandIDs, PLUGIN_ID } from './tokens';

/** The Environments side panel: pick an environment and GPUs, restart into it. */
export const panelPlugin = sidePanelPlugin({
  id: PLUGIN_ID,
  description: 'A side panel to pick a Turing environment and GPU count and restart the server into it.',
  area: 'right',
  rank: 600,
  create: ({ app, client, trans }) => createEnvironmentsPanel({ client, commands: app.commands, trans }),
  setup: ({ app, trans, palette, panel, body }) => {
    app.commands.addCommand(CommandIDs.switchEnvironment, {
      label: trans.__('Switch Environment…'),
      caption: trans.__('Pick a Turing environment and GPU count, and restart the server into it'),
      icon: (args) => (args.isPalette ? undefined : environmentsIcon),
      execute: (args) => {
        body.select(typeof args.environment === 'string' ? args.environment : undefined);
        app.shell.activateById(panel.id);
      },
    });
    palette?.addItem({ command: CommandIDs.switchEnvironment, category: trans.__('Turing') });
  },
  readSettings,
  settingsName: 'Environments',
});
