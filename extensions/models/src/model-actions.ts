import { Clipboard, Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IModelsClient, ModelApiKeyInfo, ModelView } from '@turing/client';

/** Asks, then deletes the model with its versions and serving replicas; `false` if the user declined. */
export async function deleteWithConfirmation(
  models: IModelsClient,
  model: ModelView,
  trans: TranslationBundle,
): Promise<boolean> {
  const answer = await showDialog({
    title: trans.__('Delete model "%1"?', model.name),
    body: trans.__(
      'Its %1 versions, API keys and serving replicas are deleted, and its URL stops answering. The files in your home stay.',
      model.versions.length,
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Delete') }),
    ],
  });
  if (!answer.button.accept) {
    return false;
  }
  await models.delete(model.name);
  Notification.success(trans.__('Model "%1" deleted.', model.name), { autoClose: 4000 });
  return true;
}

/** Asks, then revokes an API key; `false` if the user declined. */
export async function revokeWithConfirmation(
  models: IModelsClient,
  model: ModelView,
  key: ModelApiKeyInfo,
  trans: TranslationBundle,
): Promise<boolean> {
  const answer = await showDialog({
    title: trans.__('Revoke API key "%1"?', key.label),
    body: trans.__('Callers using it get 401 from now on. This cannot be undone.'),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Revoke') }),
    ],
  });
  if (!answer.button.accept) {
    return false;
  }
  await models.revokeApiKey(model.name, key.id);
  return true;
}

/** Copies text to the clipboard and says so. */
export function copyWithNotice(text: string, what: string, trans: TranslationBundle): void {
  Clipboard.copyToSystem(text);
  Notification.info(trans.__('%1 copied.', what), { autoClose: 2000 });
}
