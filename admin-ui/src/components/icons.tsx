import type { LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

/** The one member of a `LabIcon` that `TextButton` and `IconButton` render. */
type ReactIcon = Pick<LabIcon, 'react'>;

/**
 * A small SVG icon in the shape @turing/ui's buttons take. Outside JupyterLab
 * the real `LabIcon` (and its 1 MB of ui-components) is not available, and the
 * buttons only call `icon.react`.
 */
function svgIcon(name: string, path: string): LabIcon {
  function Icon(props: { tag?: 'span' | 'div' | null }): React.ReactElement {
    const svg = (
      <svg
        className="jp-Turing-Admin-icon"
        viewBox="0 0 24 24"
        width="16"
        height="16"
        aria-hidden="true"
        focusable="false"
      >
        <path d={path} />
      </svg>
    );
    return props.tag === null ? svg : <span className={`jp-Turing-Admin-icon-${name}`}>{svg}</span>;
  }
  const icon: ReactIcon = { react: Icon as unknown as LabIcon['react'] };
  return icon as LabIcon;
}

/** "+" */
export const addIcon = svgIcon('add', 'M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z');
/** A cross. */
export const closeIcon = svgIcon(
  'close',
  'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z',
);
/** A circular arrow. */
export const refreshIcon = svgIcon(
  'refresh',
  'M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.73 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35z',
);
/** A down arrow into a tray. */
export const downloadIcon = svgIcon('download', 'M19 9h-4V3H9v6H5l7 7 7-7zM5 18v2h14v-2H5z');
