import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ILayoutRestorer } from '@jupyterlab/application';
import type { MainAreaWidget } from '@jupyterlab/apputils';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';
import { ITuringClient } from '@turing/client';
import { openMainAreaView, turingTranslation, watchSettings } from '@turing/ui';

import { jobsIcon } from '../icons';
import { openScheduleDialog } from '../schedule-dialog';
import { DEFAULT_SCHEDULE_SETTINGS, readPanelSettings } from '../settings';
import { CommandIDs, MAIN_AREA_ID, MAIN_AREA_PLUGIN_ID, PANEL_PLUGIN_ID } from '../tokens';
import { JobsMainWidget } from './jobs-main-widget';
import type { MainAreaSettings } from './view-settings';
import { DEFAULT_MAIN_AREA_SETTINGS, readPageSize } from './view-settings';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

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
        editJob: async (job) => {
          const result = await openScheduleDialog({
            client,
            target: { kind: 'edit', job },
            settings: DEFAULT_SCHEDULE_SETTINGS,
            trans,
          });
          return result?.job ?? null;
        },
      });
      body.setSettings(settings);
      return body;
    };

    app.commands.addCommand(CommandIDs.openJobsView, {
      label: (args) => (args.isLauncher ? trans.__('Turing Jobs') : trans.__('Open Turing Jobs View')),
      caption: trans.__(
        'Open a full-width table of your Turing jobs, with a page per job for its runs, logs and outputs',
      ),
      icon: (args) => (args.isPalette ? undefined : jobsIcon),
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
        view.content.reveal(text(args.job), text(args.user), text(args.run));
        return view;
      },
    });

    palette?.addItem({ command: CommandIDs.openJobsView, category: trans.__('Turing') });
    launcher?.add({
      command: CommandIDs.openJobsView,
      args: { isLauncher: true },
      category: trans.__('Turing'),
      rank: 1,
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
