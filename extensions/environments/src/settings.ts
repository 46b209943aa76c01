import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

/** The settings of `@turing/environments:panel` (schema `schema/panel.json`). */
export interface EnvironmentsSettings {
  /** Show CPU-only environments in the list. */
  showCpuEnvironments: boolean;
  /** The GPU count preselected for GPU environments. */
  defaultGpuCount: number;
}

/** The schema defaults. */
export const DEFAULT_SETTINGS: Readonly<EnvironmentsSettings> = {
  showCpuEnvironments: true,
  defaultGpuCount: 1,
};

/** Reads the composite settings, falling back to the defaults for missing or bad values. */
export function readSettings(composite: ReadonlyPartialJSONObject | undefined): EnvironmentsSettings {
  const show = composite?.showCpuEnvironments;
  const count = composite?.defaultGpuCount;
  return {
    showCpuEnvironments: typeof show === 'boolean' ? show : DEFAULT_SETTINGS.showCpuEnvironments,
    defaultGpuCount:
      typeof count === 'number' && Number.isInteger(count) && count >= 0
        ? count
        : DEFAULT_SETTINGS.defaultGpuCount,
  };
}
