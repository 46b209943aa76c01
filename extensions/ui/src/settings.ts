import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

/** Options of {@link watchSettings}. */
export interface WatchSettingsOptions<T> {
  /** The plugin whose settings to load (its schema is `schema/<name>.json`). */
  pluginId: string;
  /** Turns the composite settings into the plugin's typed settings. */
  read: (composite: ReadonlyPartialJSONObject) => T;
  /** Called with the settings once loaded, then on every change. */
  apply: (settings: T) => void;
  /** What the settings are for, in the console warning when they cannot be loaded. */
  name: string;
}

/**
 * Loads a plugin's settings and applies them now and after every change.
 * Without a registry, or when loading fails (a console warning), `apply` is
 * never called: the caller's defaults stay.
 */
export function watchSettings<T>(registry: ISettingRegistry | null, options: WatchSettingsOptions<T>): void {
  if (!registry) {
    return;
  }
  const { pluginId, read, apply, name } = options;
  registry
    .load(pluginId)
    .then((settings) => {
      const update = (): void => apply(read(settings.composite));
      update();
      settings.changed.connect(update);
    })
    .catch((error: unknown) => console.warn(`Turing: could not load the ${name} settings.`, error));
}
