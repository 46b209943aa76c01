/**
 * Which version serves a call: the version the caller named, the one a
 * label names, or one drawn by the model's traffic split.
 */
import type { TrafficSplit } from '../model.js';
import type { GatewayPath } from './gateway-path.js';

/** The version a call goes to. */
export interface VersionTarget {
  /** Undefined for the server-level health calls: any endpoint answers them. */
  version: number | undefined;
  /** The other version of the split, tried when no ready endpoint serves `version`. */
  fallback?: number;
}

/** The outcome of {@link resolveTarget}: a target, or why there is none (404, 503). */
export type TargetResult =
  | { ok: true; target: VersionTarget }
  | { ok: false; status: 404 | 503; detail: string };

/** What {@link resolveTarget} needs to know about the model. */
export interface TargetModel {
  traffic?: TrafficSplit;
  /** Versions that exist; when given, naming another one is a 404. */
  versions?: readonly number[];
}

/**
 * Draws a version by the split: `canary` with probability `canaryPercent`
 * %, `stable` otherwise. The version not drawn is the fallback.
 */
export function drawVersion(traffic: TrafficSplit, random: () => number): VersionTarget {
  const { stable, canary, canaryPercent } = traffic;
  if (canary === undefined || canary === stable) return { version: stable };
  if (canaryPercent > 0 && random() * 100 < canaryPercent) return { version: canary, fallback: stable };
  return { version: stable, fallback: canary };
}

/**
 * Resolves the version of a call. A named version is honoured without a
 * fallback (the caller asked for it). `labels/stable` and `labels/canary`
 * are the split's versions. Inference calls without a version follow the
 * split; status, metadata and readiness go to the stable version, so a
 * client reading a signature does not see it flip with the canary.
 */
export function resolveTarget(path: GatewayPath, model: TargetModel, random: () => number): TargetResult {
  if (!path.modelScoped) return { ok: true, target: { version: undefined } };
  if (path.version !== undefined) {
    if (model.versions && !model.versions.includes(path.version)) {
      return { ok: false, status: 404, detail: `The model has no version ${path.version}.` };
    }
    return { ok: true, target: { version: path.version } };
  }
  const traffic = model.traffic;
  if (path.label !== undefined) {
    const version =
      path.label === 'stable' ? traffic?.stable : path.label === 'canary' ? traffic?.canary : undefined;
    if (version === undefined) {
      return {
        ok: false,
        status: 404,
        detail: `No version has the label ${path.label}; the labels are stable and, during a canary, canary.`,
      };
    }
    return { ok: true, target: { version } };
  }
  if (!traffic) return { ok: false, status: 503, detail: 'The model has no published version yet.' };
  if (path.inference) return { ok: true, target: drawVersion(traffic, random) };
  return {
    ok: true,
    target: {
      version: traffic.stable,
      ...(traffic.canary === undefined || traffic.canary === traffic.stable
        ? {}
        : { fallback: traffic.canary }),
    },
  };
}
