import { LabIcon } from '@jupyterlab/ui-components';

const modelsSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2 3 7v10l9 5 9-5V7l-9-5zm0 2.3L18.7 8 12 11.7 5.3 8 12 4.3zM5 9.7l6 3.3v6.7l-6-3.3V9.7zm8 10V13l6-3.3v6.7l-6 3.3z"/>
  </g>
</svg>`;

const publishSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M11 16V7.8l-3.6 3.6L6 10l6-6 6 6-1.4 1.4L13 7.8V16h-2zm-6 4v-2h14v2H5z"/>
  </g>
</svg>`;

/** The icon of the models panel and model files (a cube; themed through `jp-icon3`). */
export const modelsIcon = new LabIcon({ name: 'turing:models', svgstr: modelsSvg });

/** The icon of the Publish Model command (an upload arrow). */
export const publishIcon = new LabIcon({ name: 'turing:publish-model', svgstr: publishSvg });
