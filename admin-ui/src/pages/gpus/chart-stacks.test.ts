import { describe, expect, it } from 'vitest';

import type { GpuUsage } from '../../api/types';
import { rowsByType, rowsByUser, stackBars } from './chart-stacks';

const usage: GpuUsage = {
  available: true,
  synced: true,
  totals: { capacity: 6, allocated: 4, free: 2 },
  byType: [
    { product: 'A100', capacity: 4, allocated: 3, free: 1 },
    { product: 'T4', capacity: 2, allocated: 1, free: 1 },
  ],
  nodes: [],
  byUser: [
    { user: 'bob', server: 0, jobRun: 1, modelReplica: 0, other: 0, total: 1 },
    { user: 'alice', server: 1, jobRun: 0, modelReplica: 2, other: 0, total: 3 },
  ],
  byKind: { server: 1, jobRun: 1, modelReplica: 2, other: 0 },
  allocations: [
    {
      namespace: 'turing',
      pod: 'jupyter-alice',
      node: 'gpu-a',
      product: 'A100',
      user: 'alice',
      kind: 'server',
      gpus: 1,
    },
    {
      namespace: 'turing',
      pod: 'model-ctr-1',
      node: 'gpu-a',
      product: 'A100',
      user: 'alice',
      kind: 'modelReplica',
      gpus: 2,
    },
    { namespace: 'turing', pod: 'run-1', node: 'gpu-t', product: 'T4', user: 'bob', kind: 'jobRun', gpus: 1 },
  ],
};

describe('stacked GPU chart', () => {
  it('sums allocations per type and kind, against the type capacity', () => {
    expect(rowsByType(usage)).toEqual([
      { label: 'A100', capacity: 4, values: { server: 1, jobRun: 0, modelReplica: 2, other: 0 } },
      { label: 'T4', capacity: 2, values: { server: 0, jobRun: 1, modelReplica: 0, other: 0 } },
    ]);
  });

  it('orders users by their total', () => {
    expect(rowsByUser(usage).map((row) => row.label)).toEqual(['alice', 'bob']);
  });

  it('stacks segments left to right on one scale', () => {
    const { bars, scale } = stackBars(rowsByType(usage));
    expect(scale).toBe(4);
    expect(bars[0]).toEqual({
      label: 'A100',
      total: 3,
      capacity: 4,
      capacityX: 1,
      segments: [
        { kind: 'server', value: 1, x: 0, width: 0.25 },
        { kind: 'modelReplica', value: 2, x: 0.25, width: 0.5 },
      ],
    });
    expect(bars[1]?.segments).toEqual([{ kind: 'jobRun', value: 1, x: 0, width: 0.25 }]);
    expect(bars[1]?.capacityX).toBe(0.5);
  });

  it('draws an idle cluster as empty bars', () => {
    const { bars, scale } = stackBars([
      { label: 'T4', capacity: 0, values: { server: 0, jobRun: 0, modelReplica: 0, other: 0 } },
    ]);
    expect(scale).toBe(1);
    expect(bars[0]?.segments).toEqual([]);
  });

  it('widens the scale when a total exceeds the capacity', () => {
    const { scale } = stackBars([
      { label: 'x', capacity: 2, values: { server: 3, jobRun: 0, modelReplica: 0, other: 0 } },
    ]);
    expect(scale).toBe(3);
  });
});
