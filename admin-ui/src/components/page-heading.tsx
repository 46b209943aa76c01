import React, { useEffect } from 'react';

import { trans } from '../app/translation';
import { ActionButton } from './action-button';

/** Props of {@link PageHeading}. */
export interface PageHeadingProps {
  /** The (translated) page title: the `<h1>` and the start of the document title. */
  title: string;
  /** Loads the page's data again; with it a Reload button follows the other buttons. */
  onReload?: () => void;
  /** The `data-testid` of the Reload button. */
  reloadTestId?: string;
  /** Buttons beside the title (Export, New …). */
  children?: React.ReactNode;
}

/** The page's `<h1>`; also sets the document title ("Quotas – Turing admin"). */
export function PageHeading({
  title,
  onReload,
  reloadTestId,
  children,
}: PageHeadingProps): React.ReactElement {
  useEffect(() => {
    document.title = trans.__('%1 – Turing admin', title);
  }, [title]);
  return (
    <div className="jp-Turing-View-row jp-Turing-Admin-pageHeading">
      <h1 className="jp-Turing-View-title jp-Turing-Admin-h1">{title}</h1>
      {children}
      {onReload && <ActionButton label={trans.__('Reload')} testId={reloadTestId} onClick={onReload} />}
    </div>
  );
}
