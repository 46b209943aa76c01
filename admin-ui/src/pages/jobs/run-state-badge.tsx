import { StatusBadge } from '@turing/ui/lib/status-badge';
import type { StatusTone } from '@turing/ui/lib/status-badge';
import React from 'react';

import type { RunState } from '../../api/types';

const TONES: Record<RunState, StatusTone> = {
  queued: 'muted',
  running: 'active',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'warn',
  timed_out: 'error',
};

/** A run's state as a colored badge. */
export function RunStateBadge({ state, testId }: { state: RunState; testId?: string }): React.ReactElement {
  return (
    <StatusBadge tone={TONES[state] ?? 'muted'} testId={testId}>
      {state.replace('_', ' ')}
    </StatusBadge>
  );
}
