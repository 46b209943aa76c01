import { LabIcon } from '@jupyterlab/ui-components';

const jobsSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16zm-1 3v6l5 3 1-1.7-4-2.4V7h-2z"/>
  </g>
</svg>`;

const scheduleSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M7 2v2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2H7zM5 9h14v11H5V9zm6 2v4.4l3.3 2 1-1.7-2.3-1.4V11h-2z"/>
  </g>
</svg>`;

/** The icon of the jobs panel (a clock; themed through `jp-icon3`). */
export const jobsIcon = new LabIcon({ name: 'turing:jobs', svgstr: jobsSvg });

/** The icon of the Schedule command (a calendar with a clock). */
export const scheduleIcon = new LabIcon({ name: 'turing:schedule', svgstr: scheduleSvg });
