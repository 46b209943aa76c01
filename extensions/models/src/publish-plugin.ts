import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';
import { ITuringClient } from '@turing/client';
import { turingTranslation, watchSettings } from '@turing/ui';

import { modelsIcon, publishIcon } from './icons';
import { modelsOf } from './models-api';
import { openPublishDialog } from './publish-dialog';
import type { PublishSettings } from './settings';
import { DEFAULT_PUBLISH_SETTINGS, readPublishSettings } from './settings';
import { CommandIDs, MODEL_FILE_TYPES, PUBLISH_PLUGIN_ID } from './tokens';

/** The path the command acts on: `args.path`, else the file browser's first selected item. */
function targetPath(args: { path?: unknown }, browsers: IFileBrowserFactory | null): string | undefined {
  if (typeof args.path === 'string' && args.path !== '') {
    return args.path;
  }
  const browser = browsers?.tracker.currentWidget;
  for (const item of browser?.selectedItems() ?? []) {
    return item.path;
  }
  return undefined;
}

/**
 * "Publish Model": the file browser's context-menu item on folders and model
 * files (declared in `schema/publish.json`), the palette command, and the
 * file types that mark xgboost and sklearn files in the file browser.
 */
export const publishPlugin: JupyterFrontEndPlugin<void> = {
  id: PUBLISH_PLUGIN_ID,
  description: 'Publish a model file or SavedModel folder to Turing online serving.',
  autoStart: true,
  requires: [ITuringClient],
  optional: [ITranslator, ICommandPalette, IFileBrowserFactory, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    client: ITuringClient,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    browsers: IFileBrowserFactory | null,
    registry: ISettingRegistry | null,
  ): void => {
    const trans = turingTranslation(translator);
    const models = modelsOf(client);
    let settings: PublishSettings = { ...DEFAULT_PUBLISH_SETTINGS };

    // The file browser marks items with their file type; the schema's menu item selects on it.
    app.docRegistry.addFileType({
      ...MODEL_FILE_TYPES.xgboost,
      extensions: [...MODEL_FILE_TYPES.xgboost.extensions],
      displayName: trans.__('xgboost model'),
      contentType: 'file',
      fileFormat: 'base64',
      icon: modelsIcon,
    });
    app.docRegistry.addFileType({
      ...MODEL_FILE_TYPES.sklearn,
      extensions: [...MODEL_FILE_TYPES.sklearn.extensions],
      displayName: trans.__('scikit-learn model'),
      contentType: 'file',
      fileFormat: 'base64',
      icon: modelsIcon,
    });

    app.commands.addCommand(CommandIDs.publishModel, {
      label: (args) => (args.isPalette ? trans.__('Publish Selected Model…') : trans.__('Publish Model…')),
      caption: trans.__('Serve this model file or SavedModel folder behind the Turing gateway'),
      icon: (args) => (args.isPalette ? undefined : publishIcon),
      execute: async (args) => {
        const path = targetPath(args, browsers);
        if (!path) {
          Notification.warning(
            trans.__('Select a model file or SavedModel folder in the file browser first.'),
            {
              autoClose: 5000,
            },
          );
          return;
        }
        const result = await openPublishDialog({
          models,
          contents: app.serviceManager.contents,
          serverSettings: app.serviceManager.serverSettings,
          path,
          settings,
          trans,
        });
        if (!result) {
          return;
        }
        const show = () => void app.commands.execute(CommandIDs.openModels, { model: result.name });
        if (result.show) {
          show();
        } else {
          Notification.success(
            trans.__('Published version %1 of "%2".', result.version.version, result.name),
            {
              autoClose: 6000,
              actions: [{ label: trans.__('Show'), callback: show }],
            },
          );
        }
      },
    });
    palette?.addItem({ command: CommandIDs.publishModel, category: trans.__('Turing') });

    watchSettings(registry, {
      pluginId: PUBLISH_PLUGIN_ID,
      read: readPublishSettings,
      apply: (loaded) => (settings = loaded),
      name: 'Publish model',
    });
  },
};
