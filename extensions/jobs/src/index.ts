import { mainAreaPlugin } from './main-area/main-area-plugin';
import { panelPlugin } from './panel-plugin';
import { schedulePlugin } from './schedule-plugin';

export { openScheduleDialog } from './schedule-dialog';
export type { ScheduleDialogOptions } from './schedule-dialog';
export type { ScheduleResult, ScheduleTarget } from './schedule-submit';
export { notebookDigest, stableStringify, stripNotebook } from './notebook-digest';
export { parseParametersCell, parametersCellSource } from './parameters';
export { jobNameFromPath, validateJobName, JOB_NAME_PATTERN } from './job-name';
export {
  CommandIDs,
  MAIN_AREA_ID,
  MAIN_AREA_PLUGIN_ID,
  PANEL_ID,
  PANEL_PLUGIN_ID,
  SCHEDULE_PLUGIN_ID,
  TOOLBAR_ITEM_NAME,
} from './tokens';
export { TRANSLATION_DOMAIN } from '@turing/ui';

export default [schedulePlugin, panelPlugin, mainAreaPlugin];
