import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { PanelSettings } from '../settings';
import { DEFAULT_PANEL_SETTINGS } from '../settings';

/** The page sizes the jobs table offers. */
export const PAGE_SIZES = [25, 50, 100] as const;

/** One of {@link PAGE_SIZES}. */
export type PageSize = (typeof PAGE_SIZES)[number];

/**
 * What the main-area view needs: its own `schema/main-area.json` (the page
 * size) and the jobs panel's refresh intervals and output folder, so the
 * user sets those once for both.
 */
export interface MainAreaSettings extends PanelSettings {
  pageSize: PageSize;
}

/** The defaults of both schemas. */
export const DEFAULT_MAIN_AREA_SETTINGS: Readonly<MainAreaSettings> = {
  ...DEFAULT_PANEL_SETTINGS,
  pageSize: 25,
};

/** Whether `value` is one of the offered page sizes. */
export function isPageSize(value: unknown): value is PageSize {
  return PAGE_SIZES.includes(value as PageSize);
}

/** Reads `@turing/jobs:main-area`'s composite settings: the page size, the default when it is not offered. */
export function readPageSize(composite: ReadonlyPartialJSONObject | undefined): PageSize {
  const size = composite?.pageSize;
  return isPageSize(size) ? size : DEFAULT_MAIN_AREA_SETTINGS.pageSize;
}
