import { Clipboard, Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IModelsClient, ModelApiKeyInfo, ModelView } from '@turing/client';
import { announce, confirmDestructive } from '@turing/ui';

/** Asks, then deletes the model with its versions and serving replicas; `false` if the user declined. */
export async function deleteWithConfirmation(
  models: IModelsClient,
  model: ModelView,
  trans: TranslationBundle,
): Promise<boolean> {
  const accepted = await confirmDestructive({
    title: trans.__('Delete model "%1"?', model.name),
    body: trans.__(
      'Its %1 versions, API keys and serving replicas are deleted, and its URL stops answering. The files in your home stay.',
      model.versions.length,
    ),
    acceptLabel: trans.__('Delete model %1', model.name),
    trans,
  });
  if (!accepted) {
    return false;
  }
  await models.delete(model.name);
  const done = trans.__('Model "%1" deleted.', model.name);
  Notification.success(done, { autoClose: 4000 });
  announce(done);
  return true;
}

/** Asks, then revokes an API key; `false` if the user declined. */
export async function revokeWithConfirmation(
  models: IModelsClient,
  model: ModelView,
  key: ModelApiKeyInfo,
  trans: TranslationBundle,
): Promise<boolean> {
  const accepted = await confirmDestructive({
    title: trans.__('Revoke API key "%1"?', key.label),
    body: trans.__('Callers using it get 401 from now on. This cannot be undone.'),
    acceptLabel: trans.__('Revoke key %1', key.label),
    trans,
  });
  if (!accepted) {
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
