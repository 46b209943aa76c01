import type { TranslationBundle } from '@jupyterlab/translation';
import type { IModelsClient, ModelView } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { toShownError } from '@turing/ui';
import { useState } from 'react';

import { deleteWithConfirmation } from './model-actions';

/** What {@link useModelDelete} returns. */
export interface ModelDelete {
  /** The model being deleted, if any: its buttons are disabled meanwhile. */
  busy: string | null;
  /** Why the last delete failed, if it did. */
  actionError: ShownError | null;
  /** Asks to confirm, deletes `model`, calls `onDeleted` if it was, then reloads the list. */
  remove: (model: ModelView, onDeleted: () => void) => void;
}

/** The Delete action the models panel and main-area view share. */
export function useModelDelete(
  models: IModelsClient,
  trans: TranslationBundle,
  reload: () => void,
): ModelDelete {
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ShownError | null>(null);
  const remove = (model: ModelView, onDeleted: () => void): void => {
    setBusy(model.name);
    setActionError(null);
    deleteWithConfirmation(models, model, trans)
      .then((deleted) => deleted && onDeleted())
      .catch((error: unknown) => setActionError(toShownError(error)))
      .finally(() => {
        setBusy(null);
        reload();
      });
  };
  return { busy, actionError, remove };
}
