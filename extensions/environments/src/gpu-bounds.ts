import type { Environment, GpuAvailability, GpuQuota } from '@turing/client';

/** Why fewer GPUs can be picked than the environment allows. */
export type GpuLimit = 'none' | 'capacity' | 'quota';

/** The GPU counts one may pick for an environment and GPU type. */
export interface GpuBounds {
  /** The pickable counts, ascending (`[0]` for a CPU environment). */
  counts: number[];
  /** The largest pickable count (0 when none is). */
  max: number;
  /** The most GPUs of the chosen type(s) free on a single node (`Infinity` when unknown). */
  largestFreeOnOneNode: number;
  /** GPUs the quota still allows, counting those the replaced server gives back. */
  quotaRemaining: number;
  /** What removed counts the environment offers; `none` if nothing did. */
  limitedBy: GpuLimit;
}

/** Inputs of {@link gpuBounds}. */
export interface GpuBoundsInput {
  environment: Environment;
  /** A GPU type id, or `undefined` for "any type the environment supports". */
  gpuType?: string | undefined;
  availability: readonly GpuAvailability[];
  quota: GpuQuota;
  /** GPUs held by the server this start replaces; they return to the quota. */
  releasing?: number;
  /** `false` when hub-proxy has no live cluster data: only the quota bounds the count. */
  capacityKnown?: boolean;
}

/** The GPU type ids an environment accepts (empty means any). */
function acceptedTypes(env: Environment): string[] {
  return env.gpu?.types.map((t) => t.id) ?? [];
}

/**
 * Computes the GPU count picker's bounds: the environment's counts that fit both
 * the largest free block on one node (for the chosen type, or the best accepted
 * type) and the remaining quota.
 */
export function gpuBounds(input: GpuBoundsInput): GpuBounds {
  const { environment, availability, quota } = input;
  const quotaRemaining = Math.max(0, quota.maxGpus - quota.usedGpus + Math.max(0, input.releasing ?? 0));
  const offered = [...new Set(environment.gpu?.counts ?? [])].filter((c) => c > 0).sort((a, b) => a - b);
  if (offered.length === 0) {
    return { counts: [0], max: 0, largestFreeOnOneNode: 0, quotaRemaining, limitedBy: 'none' };
  }
  const accepted = acceptedTypes(environment);
  const candidates = availability.filter((a) =>
    input.gpuType !== undefined
      ? a.type === input.gpuType
      : accepted.length === 0 || accepted.includes(a.type),
  );
  const largestFreeOnOneNode =
    input.capacityKnown === false ? Infinity : Math.max(0, ...candidates.map((a) => a.largestFreeOnOneNode));
  const limit = Math.min(largestFreeOnOneNode, quotaRemaining);
  const counts = offered.filter((c) => c <= limit);
  const max = counts.length > 0 ? Math.max(...counts) : 0;
  let limitedBy: GpuLimit = 'none';
  if (counts.length < offered.length) {
    limitedBy = quotaRemaining < largestFreeOnOneNode ? 'quota' : 'capacity';
  }
  return { counts, max, largestFreeOnOneNode, quotaRemaining, limitedBy };
}

/**
 * The count to preselect: the largest pickable count not above `preferred`,
 * else the smallest pickable one; 0 if none is.
 */
export function defaultGpuCount(bounds: GpuBounds, preferred: number): number {
  const atMost = bounds.counts.filter((c) => c <= preferred);
  if (atMost.length > 0) {
    return Math.max(...atMost);
  }
  return bounds.counts[0] ?? 0;
}

/** Keeps `current` if still pickable, else falls back to {@link defaultGpuCount}. */
export function clampGpuCount(bounds: GpuBounds, current: number, preferred: number): number {
  return bounds.counts.includes(current) ? current : defaultGpuCount(bounds, preferred);
}

/** One option of the GPU type picker, with its live availability. */
export interface GpuTypeOption {
  id: string;
  displayName: string;
  free: number;
  largestFreeOnOneNode: number;
}

/** The GPU types an environment offers, with live availability (0 when unreported). */
export function gpuTypeOptions(env: Environment, availability: readonly GpuAvailability[]): GpuTypeOption[] {
  return (env.gpu?.types ?? []).map((t) => {
    const live = availability.find((a) => a.type === t.id);
    return {
      id: t.id,
      displayName: t.displayName,
      free: live?.free ?? 0,
      largestFreeOnOneNode: live?.largestFreeOnOneNode ?? 0,
    };
  });
}
