/** The panel plugin id; its settings schema is `schema/panel.json`. */
export const PLUGIN_ID = '@turing/environments:panel';

/** The status-bar item plugin id; its settings schema is `schema/status.json`. */
export const STATUS_PLUGIN_ID = '@turing/environments:status';

/** The id of the side panel widget (also its layout-restorer key). */
export const PANEL_ID = 'turing-environments';

/** Command ids. */
export const CommandIDs = {
  /** Open the Environments panel, optionally preselecting `args.environment`. */
  switchEnvironment: 'turing:switch-environment',
} as const;

/** The JupyterLab command that saves every open document. */
export const SAVE_ALL_COMMAND = 'docmanager:save-all';
