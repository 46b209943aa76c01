import React from 'react';

import { trans } from '../app/translation';
import { ActionButton } from './action-button';

/** Props of {@link StaleWriteNotice}. */
export interface StaleWriteNoticeProps {
  /** What changed, e.g. "the catalog" (translated). */
  what: string;
  /** Loads the current version; the user's edit stays in the form. */
  onReload: () => void;
  busy?: boolean;
  testId?: string;
}

/** A 409 on a versioned write: someone else saved first; reload, then apply the edit again. */
export function StaleWriteNotice({
  what,
  onReload,
  busy,
  testId,
}: StaleWriteNoticeProps): React.ReactElement {
  return (
    <div
      className="jp-Turing-Error jp-Turing-Admin-section jp-Turing-Admin-conflict"
      role="alert"
      data-testid={testId}
    >
      <div className="jp-Turing-Error-title">
        {trans.__('Someone else changed %1 since you loaded it.', what)}
      </div>
      <div className="jp-Turing-Error-detail">
        {trans.__('Reload it: your edit stays in the form; check it against their change, then save again.')}
      </div>
      <ActionButton
        label={trans.__('Reload')}
        disabled={busy}
        testId={testId ? `${testId}-reload` : undefined}
        onClick={onReload}
      />
    </div>
  );
}
