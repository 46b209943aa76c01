import type { ModelStats, ModelView, ServingRuntime } from '@turing/client';

import { phaseLabel, runtimeLabel } from './labels';
import type { Translate } from './model-format';
import { formatLabel } from './model-format';

/**
 * What the models table shows and filters on: the latest gateway figures of
 * a model, its serving versions, and the text a filter query is matched to.
 */

/** A model's latest request rate and p95 latency; `undefined` fields before any traffic. */
export interface StatsSummary {
  rate: number | undefined;
  p95Ms: number | undefined;
}

/** The last finite value of a series (buckets without calls have no p95). */
function lastFinite(values: readonly unknown[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    if (typeof value === 'number' && Number.isFinite(value)) {
      return value;
    }
  }
  return undefined;
}

/** The "now" values the panel's sparklines end on: the last finite rate and p95. */
export function summarizeStats(stats: ModelStats | undefined): StatsSummary {
  const points = stats?.points ?? [];
  return {
    rate: lastFinite(points.map((p) => p.requestsPerSecond)),
    p95Ms: lastFinite(points.map((p) => p.p95Ms)),
  };
}

/** The versions at least one ready replica serves, `v1, v2`; `''` when none does. */
export function servingVersionsText(model: Pick<ModelView, 'status'>): string {
  return [...model.status.servingVersions]
    .sort((a, b) => a - b)
    .map((v) => `v${v}`)
    .join(', ');
}

/** The words a model is found by: name, owner, runtime, format and phase. */
export function searchableText(
  model: ModelView,
  catalog: readonly ServingRuntime[] | null,
  trans: Translate,
): string {
  return [
    model.name,
    model.owner,
    runtimeLabel(model.runtime, catalog, trans),
    formatLabel(model.format, trans),
    phaseLabel(model.status.phase, trans),
  ]
    .join(' ')
    .toLowerCase();
}

/** Options of {@link filterModels}. */
export interface ModelFilter {
  /** Space-separated words; a model must contain every one (case-insensitive). */
  query: string;
  /** Only this owner's models, when set. */
  owner?: string;
}

/** The models matching a filter, in their given order. */
export function filterModels(
  models: readonly ModelView[],
  filter: ModelFilter,
  catalog: readonly ServingRuntime[] | null,
  trans: Translate,
): ModelView[] {
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  return models.filter(
    (model) =>
      (!filter.owner || model.owner === filter.owner) &&
      (words.length === 0 || words.every((w) => searchableText(model, catalog, trans).includes(w))),
  );
}
