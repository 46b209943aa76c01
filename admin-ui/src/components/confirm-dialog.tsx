import React, { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';

import { trans } from '../app/translation';
import { ActionButton } from './action-button';

/** What {@link useConfirm}'s function asks. */
export interface ConfirmOptions {
  /** The (translated) question, e.g. "Cancel run 3f2a of daily-ctr?". */
  title: string;
  /** The (translated) consequence. */
  body: string;
  /** The (translated) label of the action button, e.g. "Cancel run". */
  acceptLabel: string;
}

type Ask = (options: ConfirmOptions) => Promise<boolean>;

const ConfirmContext = createContext<Ask | null>(null);

interface Pending extends ConfirmOptions {
  resolve: (accepted: boolean) => void;
}

/**
 * Provides {@link useConfirm}: one modal `<dialog>` (the browser traps the
 * focus and Escape cancels) with "Keep" focused, so Enter never destroys, and
 * a red action button. The focus returns where it was.
 */
export function ConfirmProvider({ children }: { children: React.ReactNode }): React.ReactElement {
  const [pending, setPending] = useState<Pending | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);

  const ask = useCallback<Ask>(
    (options) =>
      new Promise<boolean>((resolve) => {
        returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        setPending({ ...options, resolve });
      }),
    [],
  );

  useEffect(() => {
    if (pending && dialog.current && !dialog.current.open) {
      dialog.current.showModal();
    }
  }, [pending]);

  const settle = (accepted: boolean): void => {
    pending?.resolve(accepted);
    setPending(null);
    dialog.current?.close();
    returnTo.current?.focus();
  };

  return (
    <ConfirmContext.Provider value={ask}>
      {children}
      <dialog
        ref={dialog}
        className="jp-Turing-Admin-confirm"
        aria-labelledby="turing-admin-confirm-title"
        aria-describedby="turing-admin-confirm-body"
        data-testid="confirm-dialog"
        onCancel={(event) => {
          event.preventDefault();
          settle(false);
        }}
      >
        {pending && (
          <>
            <h2 id="turing-admin-confirm-title" className="jp-Turing-Admin-confirmTitle">
              {pending.title}
            </h2>
            <p id="turing-admin-confirm-body">{pending.body}</p>
            <div className="jp-Turing-Admin-actions">
              <ActionButton
                label={trans.__('Keep')}
                autoFocus
                testId="confirm-keep"
                onClick={() => settle(false)}
              />
              <ActionButton
                label={pending.acceptLabel}
                tone="warn"
                testId="confirm-accept"
                onClick={() => settle(true)}
              />
            </div>
          </>
        )}
      </dialog>
    </ConfirmContext.Provider>
  );
}

/** Asks before an action that cannot be undone; resolves `true` only for the action button. */
export function useConfirm(): Ask {
  const ask = useContext(ConfirmContext);
  if (!ask) {
    throw new Error('useConfirm() needs a <ConfirmProvider> above it');
  }
  return ask;
}
