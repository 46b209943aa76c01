/** The plugin of the Publish command and dialog; settings `schema/publish.json`. */
export const PUBLISH_PLUGIN_ID = '@turing/models:publish';

/** The plugin of the models side panel; settings `schema/panel.json`. */
export const PANEL_PLUGIN_ID = '@turing/models:panel';

/** The id of the models side panel (also its layout-restorer key). */
export const PANEL_ID = 'turing-models';

/** Command ids. */
export const CommandIDs = {
  /**
   * Open the Publish dialog for a model file or SavedModel folder:
   * `args.path`, else the file browser's selected item.
   */
  publishModel: 'turing:publish-model',
  /** Show the models panel, optionally opened on `args.model`. */
  openModels: 'turing:open-models',
  /**
   * Open the main-area Turing Models view: the models table, or the detail
   * page of `args.model`; `args.user` filters the table to that owner.
   */
  openModelsView: 'turing:open-models-view',
} as const;

/** The plugin of the main-area models view, its command and Launcher card; settings `schema/main-area.json`. */
export const MAIN_AREA_PLUGIN_ID = '@turing/models:main-area';

/** The id of the main-area models view widget. */
export const MAIN_AREA_ID = 'turing-models-view';

/**
 * File types registered for model files the document registry does not know,
 * so the file browser marks them (`data-file-type`) and the schema's context
 * menu item can select them. `.json` keeps JupyterLab's own `json` type.
 */
export const MODEL_FILE_TYPES = {
  xgboost: { name: 'turing-xgboost-model', extensions: ['.ubj', '.bst'] },
  sklearn: { name: 'turing-sklearn-model', extensions: ['.joblib', '.pkl'] },
} as const;
