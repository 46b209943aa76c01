import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ILayoutRestorer } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ITranslator } from '@jupyterlab/translation';
import type { SidePanel } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject, Token } from '@lumino/coreutils';
import type { Widget } from '@lumino/widgets';
import { ITuringClient } from '@turing/client';

import { watchSettings } from './settings';
import { turingTranslation } from './translation';

/** A panel body that re-renders with new settings. */
export interface SettingsTarget<S> extends Widget {
  setSettings(settings: S): void;
}

/** What every Turing side panel plugin gets, plus its own optional services (`null` when absent). */
export type SidePanelContext<E> = {
  app: JupyterFrontEnd;
  client: ITuringClient;
  /** The `turing` translation bundle. */
  trans: TranslationBundle;
  palette: ICommandPalette | null;
} & { [K in keyof E]: E[K] | null };

/** Options of {@link sidePanelPlugin}. */
export interface SidePanelPluginOptions<S, B extends SettingsTarget<S>, E> {
  /** `@turing/<pkg>:<name>`; its settings schema is `schema/<name>.json`. */
  id: string;
  description: string;
  /** The side of the shell and the rank within it. */
  area: 'left' | 'right';
  rank: number;
  /** More optional services by name, e.g. `{ docManager: IDocumentManager }`. */
  services?: { [K in keyof E]: Token<E[K]> };
  /** Creates the side panel and its body. */
  create: (context: SidePanelContext<E>) => { panel: SidePanel; body: B };
  /** Adds the plugin's commands and palette items, once the panel is in the shell. */
  setup?: (context: SidePanelContext<E> & { panel: SidePanel; body: B }) => void;
  /** Turns the composite settings into the body's settings. */
  readSettings: (composite: ReadonlyPartialJSONObject) => S;
  /** What the settings are for, in the console warning when they cannot be loaded. */
  settingsName: string;
}

/**
 * A Turing side panel plugin: requires the page's `ITuringClient`; adds the
 * panel to the shell and the layout restorer, lets `setup` add commands, and
 * applies the plugin's settings to the body now and on every change.
 */
export function sidePanelPlugin<S, B extends SettingsTarget<S>, E extends object = Record<never, never>>(
  options: SidePanelPluginOptions<S, B, E>,
): JupyterFrontEndPlugin<void> {
  const names = Object.keys(options.services ?? {}) as Array<keyof E>;
  const tokens = names.map((name) => (options.services as { [K in keyof E]: Token<E[K]> })[name]);
  return {
    id: options.id,
    description: options.description,
    autoStart: true,
    requires: [ITuringClient],
    optional: [ITranslator, ILayoutRestorer, ICommandPalette, ISettingRegistry, ...tokens],
    activate: (
      app: JupyterFrontEnd,
      client: ITuringClient,
      translator: ITranslator | null,
      restorer: ILayoutRestorer | null,
      palette: ICommandPalette | null,
      registry: ISettingRegistry | null,
      ...services: unknown[]
    ): void => {
      const own = Object.fromEntries(names.map((name, i) => [name, services[i] ?? null]));
      const context = {
        app,
        client,
        trans: turingTranslation(translator),
        palette,
        ...own,
      } as SidePanelContext<E>;
      const { panel, body } = options.create(context);
      app.shell.add(panel, options.area, { rank: options.rank });
      restorer?.add(panel, panel.id);
      options.setup?.({ ...context, panel, body });
      watchSettings(registry, {
        pluginId: options.id,
        read: options.readSettings,
        apply: (settings) => body.setSettings(settings),
        name: options.settingsName,
      });
    },
  };
}
