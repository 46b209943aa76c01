import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { LabIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

/** The part of `ICommandPalette` {@link addViewCommand} uses (ui does not depend on apputils' token here). */
export interface ViewCommandPalette {
  addItem(options: { command: string; category: string }): unknown;
}

/** The part of `ILauncher` {@link addViewCommand} uses (ui does not depend on @jupyterlab/launcher). */
export interface ViewCommandLauncher {
  add(options: { command: string; args: { isLauncher: boolean }; category: string; rank: number }): unknown;
}

/** Options of {@link addViewCommand}. */
export interface ViewCommandOptions {
  /** The command id, e.g. `turing:open-jobs-view`. */
  id: string;
  /** The (translated) label in the palette and menus. */
  label: string;
  /** The (translated) label of the Launcher card. */
  launcherLabel: string;
  /** The (translated) tooltip. */
  caption: string;
  /** Shown everywhere but in the palette. */
  icon: LabIcon;
  execute: (args: ReadonlyPartialJSONObject) => unknown;
  /** The Launcher card's rank in the "Turing" category. */
  rank: number;
  trans: TranslationBundle;
  palette: ViewCommandPalette | null;
  launcher: ViewCommandLauncher | null;
}

/**
 * Adds the command that opens a main-area view, and puts it in the palette
 * and on a Launcher card, both in the "Turing" category.
 */
export function addViewCommand(app: JupyterFrontEnd, options: ViewCommandOptions): void {
  const { id, label, launcherLabel, caption, icon, execute, rank, trans, palette, launcher } = options;
  app.commands.addCommand(id, {
    label: (args) => (args.isLauncher ? launcherLabel : label),
    caption,
    icon: (args) => (args.isPalette ? undefined : icon),
    execute,
  });
  palette?.addItem({ command: id, category: trans.__('Turing') });
  // The launcher passes only the item's args: it says itself that the card is one.
  launcher?.add({ command: id, args: { isLauncher: true }, category: trans.__('Turing'), rank });
}
