import type { AdminModel } from '../../api/types';

/** Ready replicas of a model (the admin view's field, else the status's). */
export function readyReplicas(model: AdminModel): number {
  return model.readyReplicas ?? model.status?.readyReplicas ?? 0;
}

/** The version numbers of a model, ascending. */
export function versionNumbers(model: AdminModel): number[] {
  return model.versions
    .map((version) => (typeof version === 'number' ? version : version.version))
    .sort((a, b) => a - b);
}

/** "v3" or "v3 · v4 at 10 %", "" without traffic. */
export function trafficText(model: AdminModel): string {
  const traffic = model.traffic;
  if (!traffic) {
    return '';
  }
  if (traffic.canary === undefined || traffic.canaryPercent === 0) {
    return `v${traffic.stable}`;
  }
  return `v${traffic.stable} ${100 - traffic.canaryPercent} % · v${traffic.canary} ${traffic.canaryPercent} %`;
}

/** A request rate: "0", "0.25/s", "12/s". */
export function rateText(perSecond: number | undefined): string {
  if (perSecond === undefined || !Number.isFinite(perSecond)) {
    return '–';
  }
  if (perSecond === 0) {
    return '0';
  }
  return perSecond < 10 ? `${Number(perSecond.toFixed(2))}/s` : `${Math.round(perSecond)}/s`;
}

/** A latency in ms, "–" when there were no requests. */
export function latencyText(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? '–' : `${Math.round(ms)} ms`;
}

/** An error ratio as a percentage ("1.5 %"). */
export function errorRateText(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '–' : `${Number((ratio * 100).toFixed(1))} %`;
}

/** The runtime's name ("mlserver 1.7"). */
export function runtimeText(model: AdminModel): string {
  const runtime = model.runtime;
  if (!runtime) {
    return '';
  }
  return typeof runtime === 'string' ? runtime : `${runtime.kind} ${runtime.version}`;
}

/** The replica bounds as typed, or the problem. */
export function parseReplicas(min: string, max: string): { min: number; max: number } | { error: string } {
  const low = /^\d+$/.test(min.trim()) ? Number(min) : NaN;
  const high = /^\d+$/.test(max.trim()) ? Number(max) : NaN;
  if (Number.isNaN(low) || Number.isNaN(high)) {
    return { error: 'Replicas must be whole numbers ≥ 0.' };
  }
  if (high < low) {
    return { error: 'The maximum must be at least the minimum.' };
  }
  return { min: low, max: high };
}
