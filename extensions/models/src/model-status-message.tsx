import type { ModelView } from '@turing/client';
import React from 'react';

/** The server's message on a model that is not ready (why it is pending or failed); nothing otherwise. */
export function ModelStatusMessage({ status }: { status: ModelView['status'] }): React.ReactElement | null {
  if (!status.message || status.phase === 'Ready') {
    return null;
  }
  return (
    <div className="jp-Turing-Models-message" title={status.message} data-testid="model-message">
      {status.message}
    </div>
  );
}
