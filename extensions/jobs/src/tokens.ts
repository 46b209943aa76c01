/** The plugin of the Schedule button, command and dialog; settings `schema/schedule.json`. */
export const SCHEDULE_PLUGIN_ID = '@turing/jobs:schedule';

/** The plugin of the jobs side panel; settings `schema/panel.json`. */
export const PANEL_PLUGIN_ID = '@turing/jobs:panel';

/** The id of the jobs side panel (also its layout-restorer key). */
export const PANEL_ID = 'turing-jobs';

/** The name of the notebook toolbar item (`jupyter.lab.toolbars` → `Notebook`). */
export const TOOLBAR_ITEM_NAME = 'turing-schedule';

/** Command ids. */
export const CommandIDs = {
  /**
   * Open the Schedule dialog for a notebook: `args.path` (read through the
   * contents API), else the file browser's selected notebook when
   * `args.source` is `filebrowser`, else the current notebook.
   */
  scheduleNotebook: 'turing:schedule-notebook',
  /** Show the jobs panel, optionally on `args.job` (of `args.user`, default yours) and its run `args.run`. */
  openJobs: 'turing:open-jobs',
  /** Start a run of `args.job` (of `args.user`, default yours; default: the job selected in the panel) now. */
  runJob: 'turing:run-job',
  /**
   * Open the main-area Turing Jobs view: the jobs table, or the detail page of
   * `args.job` (of `args.user`, default yours), optionally on its run `args.run`.
   */
  openJobsView: 'turing:open-jobs-view',
} as const;

/** The plugin of the main-area jobs view, its command and Launcher card; settings `schema/main-area.json`. */
export const MAIN_AREA_PLUGIN_ID = '@turing/jobs:main-area';

/** The id of the main-area jobs view widget. */
export const MAIN_AREA_ID = 'turing-jobs-view';

/** JupyterLab's command that opens a document by path. */
export const OPEN_DOCUMENT_COMMAND = 'docmanager:open';
