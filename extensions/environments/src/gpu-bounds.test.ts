import type { Environment, GpuAvailability } from '@turing/client';
import { describe, expect, it } from 'vitest';

import { catalog } from './testing/catalog-fixture';
import { clampGpuCount, defaultGpuCount, gpuBounds, gpuTypeOptions } from './gpu-bounds';

const torch = catalog[0] as Environment; // counts [1, 2, 4], types a100, t4
const tf = catalog[1] as Environment; // counts [1, 2], type t4
const cpu = catalog[2] as Environment;

const availability: GpuAvailability[] = [
  { type: 'a100', free: 6, allocatable: 8, largestFreeOnOneNode: 4 },
  { type: 't4', free: 2, allocatable: 4, largestFreeOnOneNode: 1 },
  { type: 'h100', free: 8, allocatable: 8, largestFreeOnOneNode: 8 },
];

describe('gpuBounds', () => {
  it('offers only 0 for a CPU environment', () => {
    expect(gpuBounds({ environment: cpu, availability, quota: { maxGpus: 4, usedGpus: 0 } })).toEqual({
      counts: [0],
      max: 0,
      largestFreeOnOneNode: 0,
      quotaRemaining: 4,
      limitedBy: 'none',
    });
  });

  it('is bounded by the largest free block on one node for the chosen type', () => {
    const b = gpuBounds({
      environment: torch,
      gpuType: 't4',
      availability,
      quota: { maxGpus: 8, usedGpus: 0 },
    });
    expect(b.counts).toEqual([1]);
    expect(b.max).toBe(1);
    expect(b.limitedBy).toBe('capacity');
  });

  it('is bounded by the remaining quota', () => {
    const b = gpuBounds({
      environment: torch,
      gpuType: 'a100',
      availability,
      quota: { maxGpus: 4, usedGpus: 2 },
    });
    expect(b).toMatchObject({ counts: [1, 2], max: 2, quotaRemaining: 2, limitedBy: 'quota' });
  });

  it('gives back the GPUs of the server being replaced', () => {
    const b = gpuBounds({
      environment: torch,
      gpuType: 'a100',
      availability,
      quota: { maxGpus: 4, usedGpus: 4 },
      releasing: 2,
    });
    expect(b).toMatchObject({ counts: [1, 2], quotaRemaining: 2 });
  });

  it('with no type chosen, uses the best type the environment accepts (not others)', () => {
    expect(
      gpuBounds({ environment: torch, availability, quota: { maxGpus: 16, usedGpus: 0 } }),
    ).toMatchObject({
      counts: [1, 2, 4],
      largestFreeOnOneNode: 4,
      limitedBy: 'none',
    });
    // tf accepts only t4; the free h100 node must not count.
    expect(gpuBounds({ environment: tf, availability, quota: { maxGpus: 16, usedGpus: 0 } })).toMatchObject({
      counts: [1],
      largestFreeOnOneNode: 1,
    });
  });

  it('offers nothing when no GPU is free or the quota is used up', () => {
    expect(
      gpuBounds({ environment: torch, gpuType: 'v100', availability, quota: { maxGpus: 4, usedGpus: 0 } }),
    ).toMatchObject({
      counts: [],
      max: 0,
      limitedBy: 'capacity',
    });
    expect(gpuBounds({ environment: torch, availability, quota: { maxGpus: 2, usedGpus: 3 } })).toMatchObject(
      {
        counts: [],
        quotaRemaining: 0,
        limitedBy: 'quota',
      },
    );
  });
});

describe('gpuBounds without live cluster data', () => {
  it('bounds only by the quota', () => {
    const none: GpuAvailability[] = [{ type: 'a100', free: 0, allocatable: 0, largestFreeOnOneNode: 0 }];
    const b = gpuBounds({
      environment: torch,
      availability: none,
      quota: { maxGpus: 2, usedGpus: 0 },
      capacityKnown: false,
    });
    expect(b).toMatchObject({ counts: [1, 2], max: 2, limitedBy: 'quota' });
  });
});

describe('GPU count choice', () => {
  const bounds = gpuBounds({
    environment: torch,
    gpuType: 'a100',
    availability,
    quota: { maxGpus: 8, usedGpus: 0 },
  });

  it('preselects the largest count not above the preferred one, else the smallest', () => {
    expect(defaultGpuCount(bounds, 3)).toBe(2);
    expect(defaultGpuCount(bounds, 0)).toBe(1);
    expect(defaultGpuCount({ ...bounds, counts: [] }, 2)).toBe(0);
  });

  it('keeps a still valid count and replaces an invalid one', () => {
    expect(clampGpuCount(bounds, 4, 1)).toBe(4);
    expect(clampGpuCount(bounds, 3, 1)).toBe(1);
  });

  it('lists the offered types with live availability', () => {
    expect(gpuTypeOptions(torch, availability)).toEqual([
      { id: 'a100', displayName: 'A100', free: 6, largestFreeOnOneNode: 4 },
      { id: 't4', displayName: 'T4', free: 2, largestFreeOnOneNode: 1 },
    ]);
    expect(gpuTypeOptions(cpu, availability)).toEqual([]);
  });
});
