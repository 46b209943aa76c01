import { Dialog, InputDialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient } from '@turing/client';
import { userServerUrl } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { toShownError } from '@turing/ui';

import { validateServerName } from './server-name';
import { labUrlOf, progressPercent } from './spawn';
import type { SwitchChoice } from './switch-request';
import { switchRequest } from './switch-request';
import { SAVE_ALL_COMMAND } from './tokens';

/** Where a switch or a new-server start stands, for the panel to show. */
export type SwitchStatus =
  | { step: 'saving' }
  | { step: 'stopping' }
  | { step: 'starting'; percent: number; message: string }
  | { step: 'ready'; url: string; message: string }
  | { step: 'failed'; message: string }
  | { step: 'error'; error: ShownError };

/** What the flows need from the panel. */
export interface SwitchFlowContext {
  client: ITuringClient;
  commands: CommandRegistry;
  trans: TranslationBundle;
  /** Called on every step; `null` clears the status (the user cancelled). */
  onStatus: (status: SwitchStatus | null) => void;
  /** Navigates the page; a parameter so it can be replaced in tests. */
  navigate?: (url: string) => void;
}

/**
 * Starts a server in the chosen environment and follows its progress.
 * Resolves with JupyterLab's URL on the server when it is ready, else `null`
 * (the status then says why). With `restart`, hub-proxy first stops the
 * running server and answers once it is down.
 */
async function startAndFollow(
  choice: SwitchChoice,
  serverName: string,
  ctx: SwitchFlowContext,
  restart: boolean,
): Promise<string | null> {
  const { client, trans, onStatus } = ctx;
  onStatus(
    restart
      ? { step: 'stopping' }
      : { step: 'starting', percent: 0, message: trans.__('Requesting the server…') },
  );
  const { progressUrl } = await client.environments.switchServer(switchRequest(choice, serverName));
  onStatus({ step: 'starting', percent: 0, message: '' });
  const final = await client.environments.spawnProgress(progressUrl, (event) => {
    onStatus({ step: 'starting', percent: progressPercent(event), message: event.message ?? '' });
  });
  if (!final.ready) {
    onStatus({ step: 'failed', message: final.message || trans.__('The server failed to start.') });
    return null;
  }
  const url = labUrlOf(final, userServerUrl(client.connection.hub, serverName));
  onStatus({ step: 'ready', url, message: final.message || trans.__('The server is ready.') });
  return url;
}

/** Saves every open document through JupyterLab's own command. */
async function saveAll(ctx: SwitchFlowContext): Promise<void> {
  if (ctx.commands.hasCommand(SAVE_ALL_COMMAND)) {
    ctx.onStatus({ step: 'saving' });
    await ctx.commands.execute(SAVE_ALL_COMMAND);
  }
}

/**
 * Restarts this page's server in the chosen environment: confirm, save open
 * documents, request the restart, follow the progress, reload when ready.
 */
export async function switchCurrentServer(choice: SwitchChoice, ctx: SwitchFlowContext): Promise<void> {
  const { trans } = ctx;
  const gpus = choice.gpus > 0 ? trans._n('%1 GPU', '%1 GPUs', choice.gpus) : trans.__('no GPU');
  const answer = await showDialog({
    title: trans.__('Switch environment?'),
    body: trans.__(
      'Your server restarts in "%1" with %2. Open documents are saved first; running kernels stop and their state is lost.',
      choice.environment.displayName,
      gpus,
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Save and switch') }),
    ],
  });
  if (!answer.button.accept) {
    return;
  }
  try {
    await saveAll(ctx);
  } catch (error) {
    ctx.onStatus({
      step: 'error',
      error: {
        ...toShownError(error),
        title: trans.__('Could not save the open documents; nothing was restarted.'),
      },
    });
    return;
  }
  try {
    const url = await startAndFollow(choice, ctx.client.connection.hub.serverName, ctx, true);
    if (url) {
      (ctx.navigate ?? (() => window.location.reload()))(url);
    }
  } catch (error) {
    ctx.onStatus({ step: 'error', error: toShownError(error) });
  }
}

/** The message for a refused server name, or `null` when it is fine. */
function serverNameMessage(name: string, current: string, trans: TranslationBundle): string | null {
  switch (validateServerName(name, current)) {
    case 'empty':
      return trans.__('Enter a name for the new server.');
    case 'too-long':
      return trans.__('The server name is too long.');
    case 'invalid':
      return trans.__(
        'Use lower-case letters, digits and single dashes, starting and ending with a letter or digit.',
      );
    case 'current':
      return trans.__('This is the current server; use Switch to restart it.');
    default:
      return null;
  }
}

/**
 * Starts a new named server in the chosen environment, leaving this one
 * running, and opens its JupyterLab when ready.
 */
export async function openAsNewServer(choice: SwitchChoice, ctx: SwitchFlowContext): Promise<void> {
  const { trans } = ctx;
  const answer = await InputDialog.getText({
    title: trans.__('Open "%1" as a new server', choice.environment.displayName),
    label: trans.__('Server name'),
    placeholder: 'experiment-1',
    pattern: '[a-z0-9]([a-z0-9\\-]*[a-z0-9])?',
    required: true,
    okLabel: trans.__('Start'),
    cancelLabel: trans.__('Cancel'),
  });
  if (!answer.button.accept || answer.value === null) {
    return;
  }
  const name = answer.value.trim();
  const problem = serverNameMessage(name, ctx.client.connection.hub.serverName, trans);
  if (problem) {
    ctx.onStatus({
      step: 'error',
      error: { title: trans.__('Invalid server name'), detail: problem, fields: [] },
    });
    return;
  }
  try {
    const url = await startAndFollow(choice, name, ctx, false);
    if (!url) {
      return;
    }
    const opened = ctx.navigate ? (ctx.navigate(url), true) : window.open(url, '_blank') !== null;
    if (!opened) {
      Notification.success(trans.__('Server "%1" is ready.', name), {
        autoClose: false,
        actions: [{ label: trans.__('Open'), callback: () => window.open(url, '_blank') }],
      });
    }
  } catch (error) {
    ctx.onStatus({ step: 'error', error: toShownError(error) });
  }
}
