import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

/** Options of {@link confirmDestructive}. */
export interface ConfirmDestructiveOptions {
  /** The (translated) question, e.g. "Delete job daily-ctr?". */
  title: string;
  /** The (translated) consequence, e.g. "Its runs and outputs are deleted too." */
  body: string;
  /** The (translated) label of the destructive button, e.g. "Delete". */
  acceptLabel: string;
  trans: TranslationBundle;
}

/**
 * Asks before something that cannot be undone, in JupyterLab's dialog:
 * "Cancel" and a red `acceptLabel` button. Cancel is the default button, so it
 * has the focus and Enter cancels (JupyterLab 4 focuses `buttons[defaultButton]`
 * and resolves Enter on the dialog with it). Resolves `true` only when the
 * destructive button was chosen.
 */
export async function confirmDestructive(options: ConfirmDestructiveOptions): Promise<boolean> {
  const { title, body, acceptLabel, trans } = options;
  const result = await showDialog({
    title,
    body,
    buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), Dialog.warnButton({ label: acceptLabel })],
    defaultButton: 0,
  });
  return result.button.accept;
}
