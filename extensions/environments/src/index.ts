import { panelPlugin } from './panel-plugin';
import { statusPlugin } from './status-plugin';

export default [panelPlugin, statusPlugin];
