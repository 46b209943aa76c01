import { panelPlugin } from './panel-plugin';

export default [panelPlugin];
