import { mainAreaPlugin } from './main-area-plugin';
import { panelPlugin } from './panel-plugin';
import { publishPlugin } from './publish-plugin';

export { openPublishDialog } from './publish-dialog';
export type { PublishDialogOptions, PublishDialogResult } from './publish-dialog';
export { detectModelFormat, describeFormatProblem, MODEL_FILE_EXTENSIONS } from './model-format';
export type { Detection, FormatProblem, SourceListing } from './model-format';
export { modelNameFromPath, validateModelName, MODEL_NAME_PATTERN } from './model-name';
export { modelsOf } from './models-api';
export {
  CommandIDs,
  MAIN_AREA_ID,
  MAIN_AREA_PLUGIN_ID,
  MODEL_FILE_TYPES,
  PANEL_ID,
  PANEL_PLUGIN_ID,
  PUBLISH_PLUGIN_ID,
} from './tokens';
export { TRANSLATION_DOMAIN } from '@turing/ui';

export default [publishPlugin, panelPlugin, mainAreaPlugin];
