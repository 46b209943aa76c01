import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, IToolbarWidgetRegistry, Notification } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';
import { CommandToolbarButton } from '@jupyterlab/ui-components';
import { ITuringClient, errorSentence } from '@turing/client';
import { toShownError, turingTranslation, watchSettings } from '@turing/ui';

import { errorArg } from './error-arg';
import { scheduleIcon } from './icons';
import { openScheduleDialog } from './schedule-dialog';
import { resolveNotebookSource } from './schedule-source';
import type { ScheduleResult } from './schedule-submit';
import type { ScheduleSettings } from './settings';
import { DEFAULT_SCHEDULE_SETTINGS, readScheduleSettings } from './settings';
import { CommandIDs, SCHEDULE_PLUGIN_ID, TOOLBAR_ITEM_NAME } from './tokens';

/**
 * The Schedule dialog and its three entry points: the notebook toolbar
 * button, the file browser context menu on notebooks (both declared in
 * `schema/schedule.json`) and the command palette.
 */
export const schedulePlugin: JupyterFrontEndPlugin<void> = {
  id: SCHEDULE_PLUGIN_ID,
  description:
    'Schedule a notebook as a Turing job: toolbar button, file browser menu item, palette command.',
  autoStart: true,
  requires: [ITuringClient],
  optional: [
    ITranslator,
    ICommandPalette,
    INotebookTracker,
    IFileBrowserFactory,
    IToolbarWidgetRegistry,
    ISettingRegistry,
  ],
  activate: (
    app: JupyterFrontEnd,
    client: ITuringClient,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    notebooks: INotebookTracker | null,
    browsers: IFileBrowserFactory | null,
    toolbars: IToolbarWidgetRegistry | null,
    registry: ISettingRegistry | null,
  ): void => {
    const trans = turingTranslation(translator);
    const contents = app.serviceManager.contents;
    let settings: ScheduleSettings = { ...DEFAULT_SCHEDULE_SETTINGS };

    const afterSave = (result: ScheduleResult): void => {
      const { job, run, runError } = result;
      if (run) {
        void app.commands.execute(CommandIDs.openJobs, { job: job.name, user: job.owner, run: run.id });
        return;
      }
      if (runError && app.commands.hasCommand(CommandIDs.openJobs)) {
        // The panel's alert shows the whole refusal; a notification would cut its detail short.
        const error = {
          ...runError,
          title: trans.__('Job "%1" was created, but its run could not start: %2', job.name, runError.title),
        };
        void app.commands.execute(CommandIDs.openJobs, {
          job: job.name,
          user: job.owner,
          error: errorArg(error),
        });
        return;
      }
      if (runError) {
        Notification.error(
          trans.__(
            'Job "%1" was created, but its run could not start: %2',
            job.name,
            errorSentence(runError, trans),
          ),
          { autoClose: false },
        );
      } else {
        Notification.success(trans.__('Job "%1" saved.', job.name), { autoClose: 5000 });
      }
      void app.commands.execute(CommandIDs.openJobs, { job: job.name, user: job.owner });
    };

    app.commands.addCommand(CommandIDs.scheduleNotebook, {
      label: (args) => (args.toolbar ? trans.__('Schedule') : trans.__('Schedule Notebook…')),
      caption: trans.__('Run this notebook as a Turing job: now, on a schedule, or after another job'),
      icon: (args) => (args.isPalette || args.toolbar ? undefined : scheduleIcon),
      execute: async (args) => {
        let resolved;
        try {
          resolved = await resolveNotebookSource(args, { contents, notebooks, browsers });
        } catch (error) {
          Notification.error(trans.__('Could not read the notebook: %1', toShownError(error).title), {
            autoClose: false,
          });
          return;
        }
        if (!resolved) {
          Notification.warning(trans.__('Open or select a notebook to schedule it.'), { autoClose: 5000 });
          return;
        }
        const result = await openScheduleDialog({
          client,
          target: { kind: 'create', ...resolved },
          settings,
          trans,
        });
        if (result) {
          afterSave(result);
        }
      },
    });
    palette?.addItem({ command: CommandIDs.scheduleNotebook, category: trans.__('Turing') });

    // The toolbar item is declared in the schema; this factory gives it its label and icon.
    toolbars?.addFactory<NotebookPanel>(
      'Notebook',
      TOOLBAR_ITEM_NAME,
      () =>
        new CommandToolbarButton({
          commands: app.commands,
          id: CommandIDs.scheduleNotebook,
          args: { toolbar: true },
          icon: scheduleIcon,
          label: trans.__('Schedule'),
        }),
    );

    watchSettings(registry, {
      pluginId: SCHEDULE_PLUGIN_ID,
      read: readScheduleSettings,
      apply: (loaded) => (settings = loaded),
      name: 'Schedule',
    });
  },
};
