import { ErrorMessage } from '@turing/ui/lib/error-message';
import React from 'react';

import { trans } from '../app/translation';
import type { VersionedWrite } from '../hooks/use-versioned-write';
import { StaleWriteNotice } from './stale-write-notice';

/** Props of {@link WriteFeedback}. */
export interface WriteFeedbackProps {
  write: VersionedWrite;
  /** What changed, e.g. "the catalog" (translated). */
  what: string;
  /** Loads the current version after a conflict. */
  onReload: () => void;
  /** Test ids are `<prefix>-conflict` and `<prefix>-error`. */
  testIdPrefix: string;
}

/** Above a versioned form: the conflict notice with its Reload, or the error summary. */
export function WriteFeedback({
  write,
  what,
  onReload,
  testIdPrefix,
}: WriteFeedbackProps): React.ReactElement {
  return (
    <>
      {write.stale && (
        <StaleWriteNotice
          what={what}
          onReload={onReload}
          busy={write.busy}
          testId={`${testIdPrefix}-conflict`}
        />
      )}
      {write.summary && <ErrorMessage error={write.summary} trans={trans} testId={`${testIdPrefix}-error`} />}
    </>
  );
}
