import type { TranslationBundle } from '@jupyterlab/translation';
import type { ErrorDescription } from '@turing/client';
import { TuringLoginRequiredError, describeError, retryHint } from '@turing/client';
import React from 'react';

/** An error ready for display, with a login link when the hub session ended. */
export interface ShownError extends ErrorDescription {
  loginUrl?: string;
}

/** Turns any thrown value into a {@link ShownError}. */
export function toShownError(error: unknown): ShownError {
  const shown: ShownError = describeError(error);
  if (error instanceof TuringLoginRequiredError) {
    shown.loginUrl = error.loginUrl;
  }
  return shown;
}

/** Props of {@link ErrorMessage}. */
export interface ErrorMessageProps {
  error: ShownError;
  trans: TranslationBundle;
  /** The `data-testid` of the message. */
  testId?: string;
}

/**
 * Shows an API error as readable text: title, detail, one line per bad
 * field, when to retry, login link, request id.
 */
export function ErrorMessage({ error, trans, testId }: ErrorMessageProps): React.ReactElement {
  const retry = retryHint(error.retryAfterSeconds, trans);
  return (
    <div className="jp-Turing-Error" role="alert" data-testid={testId}>
      <div className="jp-Turing-Error-title">{error.title}</div>
      {error.detail && <div className="jp-Turing-Error-detail">{error.detail}</div>}
      {error.fields.length > 0 && (
        <ul className="jp-Turing-Error-fields">
          {error.fields.map((line, index) => (
            <li key={index}>{line}</li>
          ))}
        </ul>
      )}
      {retry && <div className="jp-Turing-Error-retry">{retry}</div>}
      {error.loginUrl && (
        <a className="jp-Turing-Error-login" href={error.loginUrl}>
          {trans.__('Log in to JupyterHub')}
        </a>
      )}
      {error.requestId && (
        <div className="jp-Turing-Error-request">{trans.__('Request id: %1', error.requestId)}</div>
      )}
    </div>
  );
}
