import { Notification } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { sidePanelPlugin, stringArg, toShownError } from '@turing/ui';

import { jobEditor } from './edit-job';
import { shownErrorArg } from './error-arg';
import { jobsIcon } from './icons';
import { createJobsPanel } from './jobs-panel';
import { openRunLogInMainArea } from './run-log-widget';
import { readPanelSettings } from './settings';
import { CommandIDs, PANEL_ID, PANEL_PLUGIN_ID } from './tokens';

/** The jobs side panel and the commands that show it and start runs. */
export const panelPlugin = sidePanelPlugin({
  id: PANEL_PLUGIN_ID,
  description: 'A side panel listing Turing jobs, their runs, live logs, outputs and run history.',
  area: 'left',
  rank: 700,
  services: { docManager: IDocumentManager },
  create: ({ app, client, trans, docManager }) => {
    const created = createJobsPanel({
      client,
      contents: app.serviceManager.contents,
      commands: app.commands,
      docManager,
      trans,
      editJob: jobEditor(client, trans),
      openRunLog: (run) => {
        openRunLogInMainArea(app, run, {
          client,
          pollMs: created.body.currentSettings.activePollSeconds * 1000,
          trans,
        });
      },
    });
    return created;
  },
  setup: ({ app, client, trans, palette, body }) => {
    app.commands.addCommand(CommandIDs.openJobs, {
      label: trans.__('Show Turing Jobs'),
      caption: trans.__('Show your scheduled notebook jobs and their runs'),
      icon: (args) => (args.isPalette ? undefined : jobsIcon),
      execute: (args) => {
        body.reveal(
          stringArg(args.job),
          stringArg(args.run),
          stringArg(args.user),
          shownErrorArg(args.error),
        );
        app.shell.activateById(PANEL_ID);
      },
    });

    app.commands.addCommand(CommandIDs.runJob, {
      label: (args) =>
        stringArg(args.job) ? trans.__('Run Job %1 Now', String(args.job)) : trans.__('Run Selected Job Now'),
      caption: trans.__('Start a run of a Turing job now'),
      execute: async (args) => {
        // A job named in the arguments is the caller's (or `args.user`'s); the selected one says whose it is.
        const name = stringArg(args.job) ?? body.selectedJob?.name;
        const owner = stringArg(args.job) ? stringArg(args.user) : body.selectedJob?.owner;
        if (!name) {
          Notification.warning(trans.__('Select a job in the Turing Jobs panel first.'), { autoClose: 5000 });
          return;
        }
        try {
          const run = await client.jobs.run(name, undefined, owner === undefined ? {} : { user: owner });
          body.reveal(name, run.id, run.owner);
          app.shell.activateById(PANEL_ID);
        } catch (error) {
          // In the panel's alert: a notification would cut the server's detail (quota, limit, use) short.
          const shown = toShownError(error);
          body.reveal(name, undefined, owner, {
            ...shown,
            title: trans.__('Could not start "%1": %2', name, shown.title),
          });
          app.shell.activateById(PANEL_ID);
        }
      },
    });
    palette?.addItem({ command: CommandIDs.openJobs, category: trans.__('Turing') });
    palette?.addItem({ command: CommandIDs.runJob, category: trans.__('Turing') });
  },
  readSettings: readPanelSettings,
  settingsName: 'Jobs panel',
});
