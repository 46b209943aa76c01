import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';
import { ITuringClient } from '@turing/client';
import { addViewCommand, openMainAreaView, stringArg, turingTranslation, watchSettings } from '@turing/ui';

import { modelsIcon } from './icons';
import { modelsOf } from './models-api';
import { ModelsMainArea } from './models-main-area';
import type { MainAreaSettings } from './settings';
import { DEFAULT_MAIN_AREA_SETTINGS, readMainAreaSettings } from './settings';
import { CommandIDs, MAIN_AREA_ID, MAIN_AREA_PLUGIN_ID } from './tokens';

/**
 * The main-area Turing Models view: `turing:open-models-view` (the table, or
 * `args.model`'s detail page; `args.user` filters to that owner), in the
 * palette and as a Launcher card.
 */
export const mainAreaPlugin: JupyterFrontEndPlugin<void> = {
  id: MAIN_AREA_PLUGIN_ID,
  description: 'A main-area view of Turing models: a sortable, filterable table and a detail page per model.',
  autoStart: true,
  requires: [ITuringClient],
  optional: [ITranslator, ICommandPalette, ILauncher, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    client: ITuringClient,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    registry: ISettingRegistry | null,
  ): void => {
    const trans = turingTranslation(translator);
    const models = modelsOf(client);
    let settings: MainAreaSettings = { ...DEFAULT_MAIN_AREA_SETTINGS };
    let content: ModelsMainArea | null = null;

    addViewCommand(app, {
      id: CommandIDs.openModelsView,
      label: trans.__('Open Turing Models View'),
      launcherLabel: trans.__('Turing Models'),
      caption: trans.__('A full-width table of your served models, with a detail page per model'),
      icon: modelsIcon,
      rank: 2,
      trans,
      palette,
      launcher,
      execute: (args) => {
        const request = { model: stringArg(args.model), user: stringArg(args.user) };
        let created = false;
        const view = openMainAreaView(app, {
          id: MAIN_AREA_ID,
          label: trans.__('Turing Models'),
          caption: trans.__('Turing Models: your served models'),
          icon: modelsIcon,
          create: () => {
            content = new ModelsMainArea({
              models,
              whoAmI: () => client.me(),
              homeOwner: client.connection.hub.user,
              origin: client.connection.hub.hubHost || window.location.origin,
              settings,
              trans,
            });
            created = true;
            return content;
          },
        });
        if (created) {
          view.disposed.connect(() => (content = null));
        }
        content?.showPage(request);
        return view;
      },
    });

    watchSettings(registry, {
      pluginId: MAIN_AREA_PLUGIN_ID,
      read: readMainAreaSettings,
      apply: (loaded) => {
        settings = loaded;
        content?.setSettings(loaded);
      },
      name: 'Models view',
    });
  },
};
