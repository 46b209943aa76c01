import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ILayoutRestorer } from '@jupyterlab/application';
import type { MainAreaWidget } from '@jupyterlab/apputils';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';
import { ITuringClient } from '@turing/client';
import { addViewCommand, openMainAreaView, stringArg, turingTranslation, watchSettings } from '@turing/ui';

import { jobsIcon } from '../icons';
import { jobEditor } from '../edit-job';
import { readPanelSettings } from '../settings';
import { CommandIDs, MAIN_AREA_ID, MAIN_AREA_PLUGIN_ID, PANEL_PLUGIN_ID } from '../tokens';
import { JobsMainWidget } from './jobs-main-widget';
import type { MainAreaSettings } from './view-settings';
import { DEFAULT_MAIN_AREA_SETTINGS, readPageSize } from './view-settings';

/**
 * The main-area "Turing Jobs" view (jobs table and job detail pages), its
 * command `turing:open-jobs-view` (palette, Launcher card, the side panel's
 * buttons) and, across reloads, its tab.
 */
export const mainAreaPlugin: JupyterFrontEndPlugin<void> = {
  id: MAIN_AREA_PLUGIN_ID,
  description: 'A full-width Turing Jobs view: a sortable, filterable jobs table and a detail page per job.',
  autoStart: true,
  requires: [ITuringClient],
  optional: [ITranslator, ICommandPalette, ILauncher, ILayoutRestorer, ISettingRegistry, IDocumentManager],
  activate: (
    app: JupyterFrontEnd,
    client: ITuringClient,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    restorer: ILayoutRestorer | null,
    registry: ISettingRegistry | null,
    docManager: IDocumentManager | null,
  ): void => {
    const trans = turingTranslation(translator);
    const tracker = new WidgetTracker<MainAreaWidget<JobsMainWidget>>({ namespace: 'turing-jobs-view' });
    let settings: MainAreaSettings = { ...DEFAULT_MAIN_AREA_SETTINGS };
    const apply = (next: Partial<MainAreaSettings>): void => {
      settings = { ...settings, ...next };
      tracker.forEach((view) => view.content.setSettings(settings));
    };

    const create = (): JobsMainWidget => {
      const body = new JobsMainWidget({
        client,
        contents: app.serviceManager.contents,
        commands: app.commands,
        docManager,
        trans,
        editJob: jobEditor(client, trans),
      });
      body.setSettings(settings);
      return body;
    };

    addViewCommand(app, {
      id: CommandIDs.openJobsView,
      label: trans.__('Open Turing Jobs View'),
      launcherLabel: trans.__('Turing Jobs'),
      caption: trans.__(
        'Open a full-width table of your Turing jobs, with a page per job for its runs, logs and outputs',
      ),
      icon: jobsIcon,
      rank: 1,
      trans,
      palette,
      launcher,
      execute: (args) => {
        const view = openMainAreaView(app, {
          id: MAIN_AREA_ID,
          label: trans.__('Turing Jobs'),
          caption: trans.__('Turing Jobs: all your jobs, their runs, logs and outputs'),
          icon: jobsIcon,
          create,
        }) as MainAreaWidget<JobsMainWidget>;
        if (!tracker.has(view)) {
          void tracker.add(view);
        }
        view.content.reveal(stringArg(args.job), stringArg(args.user), stringArg(args.run));
        return view;
      },
    });

    // Reopens the table after a reload when it was open.
    void restorer?.restore(tracker, { command: CommandIDs.openJobsView, name: () => MAIN_AREA_ID });

    watchSettings(registry, {
      pluginId: MAIN_AREA_PLUGIN_ID,
      read: readPageSize,
      apply: (pageSize) => apply({ pageSize }),
      name: 'Jobs view',
    });
    // The refresh intervals and output folder are the jobs panel's: set once for both.
    watchSettings(registry, {
      pluginId: PANEL_PLUGIN_ID,
      read: readPanelSettings,
      apply: (panel) => apply(panel),
      name: 'Jobs panel (for the jobs view)',
    });
  },
};
