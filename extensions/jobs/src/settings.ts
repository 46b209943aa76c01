import type { ConcurrencyPolicy } from '@turing/client';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

/** Settings of `@turing/jobs:schedule` (schema `schema/schedule.json`): the dialog's defaults. */
export interface ScheduleSettings {
  defaultRetries: number;
  defaultTimeoutMinutes: number;
  defaultConcurrency: ConcurrencyPolicy;
}

/** Settings of `@turing/jobs:panel` (schema `schema/panel.json`). */
export interface PanelSettings {
  /** Seconds between run refreshes while a run is queued or running. */
  activePollSeconds: number;
  /** Seconds between job list refreshes while the panel is visible. */
  listRefreshSeconds: number;
  /** Folder (in the home directory) that "Open output" saves into. */
  outputDirectory: string;
}

/** The schema defaults of the schedule plugin. */
export const DEFAULT_SCHEDULE_SETTINGS: Readonly<ScheduleSettings> = {
  defaultRetries: 0,
  defaultTimeoutMinutes: 60,
  defaultConcurrency: 'forbid',
};

/** The schema defaults of the panel plugin. */
export const DEFAULT_PANEL_SETTINGS: Readonly<PanelSettings> = {
  activePollSeconds: 2,
  listRefreshSeconds: 15,
  outputDirectory: 'turing-outputs',
};

function number(value: unknown, fallback: number, min: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
}

/** Reads the schedule plugin's composite settings, falling back to the defaults. */
export function readScheduleSettings(composite: ReadonlyPartialJSONObject | undefined): ScheduleSettings {
  const d = DEFAULT_SCHEDULE_SETTINGS;
  const concurrency = composite?.defaultConcurrency;
  return {
    defaultRetries: Math.floor(number(composite?.defaultRetries, d.defaultRetries, 0)),
    defaultTimeoutMinutes: number(composite?.defaultTimeoutMinutes, d.defaultTimeoutMinutes, 1),
    defaultConcurrency:
      concurrency === 'allow' || concurrency === 'forbid' || concurrency === 'replace'
        ? concurrency
        : d.defaultConcurrency,
  };
}

/** Reads the panel plugin's composite settings, falling back to the defaults. */
export function readPanelSettings(composite: ReadonlyPartialJSONObject | undefined): PanelSettings {
  const d = DEFAULT_PANEL_SETTINGS;
  const dir = composite?.outputDirectory;
  return {
    activePollSeconds: number(composite?.activePollSeconds, d.activePollSeconds, 1),
    listRefreshSeconds: number(composite?.listRefreshSeconds, d.listRefreshSeconds, 5),
    outputDirectory:
      typeof dir === 'string' && dir.trim() !== '' ? dir.trim().replace(/^\/+|\/+$/g, '') : d.outputDirectory,
  };
}
