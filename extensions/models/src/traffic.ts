import type { ModelTrafficSplit, ModelView, TrafficRequest } from '@turing/client';

import type { Translate } from './model-format';

/**
 * The canary control: the stable version, an optional canary version and
 * the slider's percentage, and the `PUT /traffic` body they make.
 */

/** What the traffic control shows and edits. */
export interface TrafficDraft {
  stable: number;
  /** `null`: no canary. */
  canary: number | null;
  /** The canary's share, 0-99; 0 means no canary. */
  percent: number;
}

/** The highest canary share the slider offers (100 % is a promotion). */
export const MAX_CANARY_PERCENT = 99;

/** The draft of a model's current split; `null` before its first version serves. */
export function draftOf(model: Pick<ModelView, 'traffic'>): TrafficDraft | null {
  const traffic = model.traffic;
  if (!traffic) {
    return null;
  }
  const canary = traffic.canary !== undefined && traffic.canaryPercent > 0 ? traffic.canary : null;
  return { stable: traffic.stable, canary, percent: canary === null ? 0 : traffic.canaryPercent };
}

/** A slider position as a whole percentage within 0..{@link MAX_CANARY_PERCENT}. */
export function clampPercent(value: number): number {
  if (!Number.isFinite(value)) {
    return 0;
  }
  return Math.min(MAX_CANARY_PERCENT, Math.max(0, Math.round(value)));
}

/**
 * The `PUT /api/v1/models/{name}/traffic` body of a draft. No canary, a
 * canary equal to the stable version, or 0 % all mean: everything to stable.
 */
export function trafficBody(draft: TrafficDraft): TrafficRequest {
  const percent = clampPercent(draft.percent);
  if (draft.canary === null || draft.canary === draft.stable || percent === 0) {
    return { stable: draft.stable, canaryPercent: 0 };
  }
  return { stable: draft.stable, canary: draft.canary, canaryPercent: percent };
}

/** Whether sending the draft would change the model's split. */
export function trafficChanged(model: Pick<ModelView, 'traffic'>, draft: TrafficDraft): boolean {
  const current = model.traffic;
  if (!current) {
    return true;
  }
  const next = trafficBody(draft);
  const now = trafficBody(draftOf(model) ?? { stable: current.stable, canary: null, percent: 0 });
  return JSON.stringify(next) !== JSON.stringify(now);
}

/** Whether the model has a canary to promote. */
export function canPromote(model: Pick<ModelView, 'traffic'>): boolean {
  return draftOf(model)?.canary != null;
}

/** Whether there is a previous split to roll back to. */
export function canRollBack(model: Pick<ModelView, 'previousTraffic'>): boolean {
  return model.previousTraffic !== undefined;
}

/** A split in words: `v2 100%`, or `v2 90% · v3 10% canary`. */
export function describeTraffic(traffic: ModelTrafficSplit | undefined, trans: Translate): string {
  if (!traffic) {
    return trans.__('no version serving');
  }
  const canary = traffic.canary !== undefined && traffic.canaryPercent > 0 ? traffic.canary : undefined;
  if (canary === undefined) {
    return trans.__('v%1 100%', traffic.stable);
  }
  return trans.__(
    'v%1 %2% · v%3 %4% canary',
    traffic.stable,
    100 - traffic.canaryPercent,
    canary,
    traffic.canaryPercent,
  );
}
