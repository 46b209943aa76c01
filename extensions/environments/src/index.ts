import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ILayoutRestorer } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ITuringClient } from '@turing/client';

import { environmentsIcon } from './icons';
import { createEnvironmentsPanel } from './panel';
import { readSettings } from './settings';
import { CommandIDs, PLUGIN_ID, TRANSLATION_DOMAIN } from './tokens';

/** The Environments side panel: pick an environment and GPUs, restart into it. */
const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'A side panel to pick a Turing environment and GPU count and restart the server into it.',
  autoStart: true,
  requires: [ITuringClient],
  optional: [ITranslator, ILayoutRestorer, ICommandPalette, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    client: ITuringClient,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null,
  ): void => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const { panel, body } = createEnvironmentsPanel({ client, commands: app.commands, trans });
    app.shell.add(panel, 'right', { rank: 600 });
    restorer?.add(panel, panel.id);

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

    if (registry) {
      registry
        .load(PLUGIN_ID)
        .then((settings) => {
          body.setSettings(readSettings(settings.composite));
          settings.changed.connect(() => body.setSettings(readSettings(settings.composite)));
        })
        .catch((error: unknown) => console.warn('Turing: could not load the Environments settings.', error));
    }
  },
};

export default [panelPlugin];
