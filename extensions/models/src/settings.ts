import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

/** Settings of `@turing/models:publish` (schema `schema/publish.json`): the dialog's defaults. */
export interface PublishSettings {
  defaultReplicasMin: number;
  defaultReplicasMax: number;
  /** Kubernetes quantities. */
  defaultCpu: string;
  defaultMemory: string;
  /** The canary percentage preset for a new version of a serving model. */
  defaultCanaryPercent: number;
}

/** Settings of `@turing/models:panel` (schema `schema/panel.json`). */
export interface PanelSettings {
  /** Seconds between model list refreshes while the panel is visible. */
  listRefreshSeconds: number;
  /** Seconds between stats refreshes of an open model while the panel is visible. */
  statsRefreshSeconds: number;
  /** How many log lines "Latest logs" reads. */
  logTailLines: number;
}

/** Settings of `@turing/models:main-area` (schema `schema/main-area.json`): the panel's, plus the table's page size. */
export interface MainAreaSettings extends PanelSettings {
  /** Models per page of the table. */
  pageSize: number;
}

/** The schema defaults of the publish plugin. */
export const DEFAULT_PUBLISH_SETTINGS: Readonly<PublishSettings> = {
  defaultReplicasMin: 1,
  defaultReplicasMax: 2,
  defaultCpu: '1',
  defaultMemory: '1Gi',
  defaultCanaryPercent: 10,
};

/** The schema defaults of the panel plugin. */
export const DEFAULT_PANEL_SETTINGS: Readonly<PanelSettings> = {
  listRefreshSeconds: 3,
  statsRefreshSeconds: 5,
  logTailLines: 200,
};

/** The schema defaults of the main-area plugin. */
export const DEFAULT_MAIN_AREA_SETTINGS: Readonly<MainAreaSettings> = {
  listRefreshSeconds: 3,
  statsRefreshSeconds: 10,
  logTailLines: 200,
  pageSize: 25,
};

function number(value: unknown, fallback: number, min: number, max = Infinity): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
    ? value
    : fallback;
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/** Reads the publish plugin's composite settings, falling back to the defaults. */
export function readPublishSettings(composite: ReadonlyPartialJSONObject | undefined): PublishSettings {
  const d = DEFAULT_PUBLISH_SETTINGS;
  const min = Math.floor(number(composite?.defaultReplicasMin, d.defaultReplicasMin, 1));
  return {
    defaultReplicasMin: min,
    defaultReplicasMax: Math.max(
      min,
      Math.floor(number(composite?.defaultReplicasMax, d.defaultReplicasMax, 1)),
    ),
    defaultCpu: text(composite?.defaultCpu, d.defaultCpu),
    defaultMemory: text(composite?.defaultMemory, d.defaultMemory),
    defaultCanaryPercent: Math.round(number(composite?.defaultCanaryPercent, d.defaultCanaryPercent, 1, 99)),
  };
}

/** Reads the panel plugin's composite settings, falling back to the defaults. */
export function readPanelSettings(composite: ReadonlyPartialJSONObject | undefined): PanelSettings {
  const d = DEFAULT_PANEL_SETTINGS;
  return {
    listRefreshSeconds: number(composite?.listRefreshSeconds, d.listRefreshSeconds, 1),
    statsRefreshSeconds: number(composite?.statsRefreshSeconds, d.statsRefreshSeconds, 2),
    logTailLines: Math.floor(number(composite?.logTailLines, d.logTailLines, 1, 10_000)),
  };
}

/** Reads the main-area plugin's composite settings, falling back to the defaults. */
export function readMainAreaSettings(composite: ReadonlyPartialJSONObject | undefined): MainAreaSettings {
  const d = DEFAULT_MAIN_AREA_SETTINGS;
  return {
    listRefreshSeconds: number(composite?.listRefreshSeconds, d.listRefreshSeconds, 1),
    statsRefreshSeconds: number(composite?.statsRefreshSeconds, d.statsRefreshSeconds, 2),
    logTailLines: Math.floor(number(composite?.logTailLines, d.logTailLines, 1, 10_000)),
    pageSize: Math.floor(number(composite?.pageSize, d.pageSize, 5, 500)),
  };
}
