import { Conflict, InvalidInput } from '../errors/index.js';
import type { ModelSpec, TrafficSplit } from './model.js';

/**
 * Traffic changes as pure functions of the spec: each returns the spec to
 * store (the previous split is kept for roll back). The runtimes keep the
 * old versions serving until pods with the new set are ready.
 */

/** A version's rollout when it is added. */
export type Rollout = { kind: 'replace' } | { kind: 'canary'; percent: number } | { kind: 'none' };

function requireVersion(spec: ModelSpec, version: number, field: string): void {
  if (!spec.versions.some((v) => v.version === version)) {
    const known = spec.versions.map((v) => v.version).join(', ') || 'none yet';
    throw new InvalidInput(
      [{ field, message: `version ${version} does not exist (versions: ${known})` }],
      `Model "${spec.name}" has no version ${version}.`,
    );
  }
}

function withTraffic(spec: ModelSpec, traffic: TrafficSplit): ModelSpec {
  return { ...spec, traffic, ...(spec.traffic ? { previousTraffic: spec.traffic } : {}) };
}

/** Pins `stable` and optionally sends `canaryPercent` % to `canary`. */
export function setTraffic(spec: ModelSpec, wanted: TrafficSplit): ModelSpec {
  requireVersion(spec, wanted.stable, 'body.stable');
  if (wanted.canary === undefined) {
    if (wanted.canaryPercent > 0) {
      throw new InvalidInput(
        [{ field: 'body.canaryPercent', message: 'must be 0 without a canary version' }],
        'A canary percentage needs a canary version.',
      );
    }
    return withTraffic(spec, { stable: wanted.stable, canaryPercent: 0 });
  }
  requireVersion(spec, wanted.canary, 'body.canary');
  if (wanted.canary === wanted.stable) {
    throw new InvalidInput(
      [{ field: 'body.canary', message: 'must differ from the stable version' }],
      'The canary version must differ from the stable one.',
    );
  }
  return withTraffic(spec, {
    stable: wanted.stable,
    canary: wanted.canary,
    canaryPercent: wanted.canaryPercent,
  });
}

/** The canary becomes the stable version with all traffic. */
export function promoteCanary(spec: ModelSpec): ModelSpec {
  if (spec.traffic?.canary === undefined) {
    throw new Conflict(`Model "${spec.name}" has no canary to promote.`);
  }
  return withTraffic(spec, { stable: spec.traffic.canary, canaryPercent: 0 });
}

/**
 * With a canary: drops it, all traffic back on stable. Without: returns to
 * the split before the last change (undoes a promote or a pin).
 */
export function rollBack(spec: ModelSpec): ModelSpec {
  const current = spec.traffic;
  if (current?.canary !== undefined) return withTraffic(spec, { stable: current.stable, canaryPercent: 0 });
  if (!spec.previousTraffic) throw new Conflict(`Model "${spec.name}" has nothing to roll back to.`);
  return withTraffic(spec, spec.previousTraffic);
}

/** The traffic after `version` is added with `rollout`. The first version always takes all traffic. */
export function applyRollout(spec: ModelSpec, version: number, rollout: Rollout): ModelSpec {
  if (!spec.traffic) return { ...spec, traffic: { stable: version, canaryPercent: 0 } };
  switch (rollout.kind) {
    case 'replace':
      return withTraffic(spec, { stable: version, canaryPercent: 0 });
    case 'canary':
      return withTraffic(spec, {
        stable: spec.traffic.stable,
        canary: version,
        canaryPercent: rollout.percent,
      });
    case 'none':
      return spec;
  }
}

/** The versions some traffic goes to (what serving must load). */
export function servedVersions(traffic: TrafficSplit | undefined): number[] {
  if (!traffic) return [];
  return traffic.canary === undefined ? [traffic.stable] : [traffic.stable, traffic.canary];
}
