import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { PromiseDelegate } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';
import React, { useCallback, useEffect, useRef, useState } from 'react';

import { trapFocus } from './focus-trap';

/** Props of {@link ModalDialog}. */
export interface ModalDialogProps {
  /** The (translated) heading; the dialog is labelled by it. */
  title: string;
  /** A prefix for the ids inside, unique on the page. */
  idPrefix: string;
  /** The form was edited: Escape and `requestClose()` ask before discarding. */
  dirty: boolean;
  /** While true (e.g. a request is running), Escape does nothing. */
  busy?: boolean;
  /** Called once closing is settled: the form was not dirty, or the user chose Discard. */
  onClose: () => void;
  /** Renders the buttons; Cancel should call `requestClose`. */
  footer: (requestClose: () => void) => React.ReactNode;
  /**
   * More classes on the dialog box (`role="dialog"`, also `jp-Dialog-content`), e.g. one
   * that sets its width: the default `min(720px, 95vw)` yields to a single class.
   */
  className?: string;
  /** The `data-testid` of the dialog box. */
  testId?: string;
  trans: TranslationBundle;
  /** The form. */
  children: React.ReactNode;
}

const FIRST_FIELD =
  'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled])';

/**
 * The modal of the Turing dialogs (Schedule, Publish): a backdrop, a box with
 * `role="dialog"`, `aria-modal` and `aria-labelledby` its title, the form,
 * then the footer buttons. Tab stays inside; the first field gets the focus
 * unless a child already took it. Escape closes unless `busy`.
 *
 * When `dirty`, Escape and `requestClose()` do not close: the footer becomes
 * an inline `role="alertdialog"` "Discard your changes?" with "Keep editing"
 * (focused; `data-testid="discard-keep"`, back to the form where the focus
 * was) and "Discard" (`data-testid="discard-confirm"`, calls `onClose`).
 * Escape in that prompt keeps editing.
 *
 * Layout: children go in a flex column; give the scrolling form
 * `jp-Dialog-body jp-Turing-Dialog-form` and put an error summary after it
 * in `jp-Turing-Dialog-errors`, so the summary stays visible. Normally shown
 * through {@link openModal}.
 */
export function ModalDialog(props: ModalDialogProps): React.ReactElement {
  const { title, idPrefix, dirty, busy = false, onClose, footer, className, testId, trans, children } = props;
  const root = useRef<HTMLDivElement>(null);
  const main = useRef<HTMLDivElement>(null);
  const prompt = useRef<HTMLDivElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const [confirming, setConfirming] = useState(false);
  const latest = useRef({ dirty, onClose });
  latest.current = { dirty, onClose };

  const requestClose = useCallback((): void => {
    if (!latest.current.dirty) {
      latest.current.onClose();
      return;
    }
    const active = document.activeElement;
    returnTo.current = active instanceof HTMLElement && root.current?.contains(active) ? active : null;
    setConfirming(true);
  }, []);

  const keepEditing = (): void => setConfirming(false);

  useEffect(() => {
    const box = root.current;
    if (box && !box.contains(document.activeElement)) {
      (main.current?.querySelector<HTMLElement>(FIRST_FIELD) ?? box).focus();
    }
  }, []);

  useEffect(() => {
    if (main.current) {
      main.current.inert = confirming;
    }
    if (confirming) {
      keep.current?.focus();
    } else if (returnTo.current) {
      const target = returnTo.current;
      returnTo.current = null;
      (target.isConnected ? target : main.current?.querySelector<HTMLElement>(FIRST_FIELD))?.focus();
    }
  }, [confirming]);

  const onKeyDown = (event: React.KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      if (confirming) {
        keepEditing();
      } else if (!busy) {
        requestClose();
      }
    } else if (event.key === 'Tab') {
      trapFocus(event, confirming ? prompt.current : root.current);
    }
  };

  const titleId = `${idPrefix}-title`;
  return (
    <div className="jp-Dialog jp-ThemedContainer jp-Turing-Dialog">
      <div
        ref={root}
        className={`jp-Dialog-content jp-Turing-Dialog-content${className ? ` ${className}` : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        data-testid={testId}
        data-lm-suppress-shortcuts="true"
        onKeyDown={onKeyDown}
      >
        <div className="jp-Dialog-header">
          <h2 id={titleId} className="jp-Turing-Dialog-title">
            {title}
          </h2>
        </div>
        <div ref={main} className="jp-Turing-Dialog-main">
          {children}
        </div>
        <div className="jp-Dialog-footer">
          {confirming ? (
            <div
              ref={prompt}
              className="jp-Turing-Dialog-discard"
              role="alertdialog"
              aria-labelledby={`${idPrefix}-discard-title`}
              aria-describedby={`${idPrefix}-discard-body`}
              data-testid="discard-prompt"
            >
              <div className="jp-Turing-Dialog-discardText">
                <div id={`${idPrefix}-discard-title`} className="jp-Turing-Dialog-discardTitle">
                  {trans.__('Discard your changes?')}
                </div>
                <div id={`${idPrefix}-discard-body`} className="jp-Turing-Hint">
                  {trans.__('What you entered in this form will be lost.')}
                </div>
              </div>
              <div className="jp-Dialog-footerButtons">
                <button
                  ref={keep}
                  type="button"
                  className="jp-Dialog-button jp-mod-accept jp-mod-styled"
                  data-testid="discard-keep"
                  onClick={keepEditing}
                >
                  <div className="jp-Dialog-buttonLabel">{trans.__('Keep editing')}</div>
                </button>
                <button
                  type="button"
                  className="jp-Dialog-button jp-mod-warn jp-mod-styled"
                  data-testid="discard-confirm"
                  onClick={() => latest.current.onClose()}
                >
                  <div className="jp-Dialog-buttonLabel">{trans.__('Discard')}</div>
                </button>
              </div>
            </div>
          ) : (
            <div className="jp-Dialog-footerButtons">{footer(requestClose)}</div>
          )}
        </div>
      </div>
    </div>
  );
}

/** The page-level host of one modal: resolves once, then goes away. */
class ModalHost<R> extends ReactWidget {
  readonly result = new PromiseDelegate<R | null>();
  private readonly returnFocus =
    document.activeElement instanceof HTMLElement ? document.activeElement : null;

  constructor(private readonly content: (close: (result: R | null) => void) => React.ReactElement) {
    super();
    this.addClass('jp-Turing-ModalHost');
  }

  protected render(): React.ReactElement {
    return this.content((result) => this.finish(result));
  }

  private finish(result: R | null): void {
    if (this.isDisposed) {
      return;
    }
    this.result.resolve(result);
    this.dispose();
    if (this.returnFocus?.isConnected) {
      this.returnFocus.focus();
    }
  }
}

/**
 * Shows a modal (usually a {@link ModalDialog}) over the page: attaches a
 * `ReactWidget` to `document.body` and renders `render(close)` in it. The
 * first `close(result)` resolves the promise with `result` (`null` means
 * cancelled), disposes the widget and gives the focus back to the element
 * that had it before.
 */
export function openModal<R>(
  render: (close: (result: R | null) => void) => React.ReactElement,
): Promise<R | null> {
  const host = new ModalHost<R>(render);
  Widget.attach(host, document.body);
  return host.result.promise;
}
