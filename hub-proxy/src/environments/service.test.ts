import { describe, expect, it } from 'vitest';
import type { HubServer } from '../auth/hub-client.js';
import { loadCatalog } from './catalog/index.js';
import { EnvironmentsService, gpuTypeViews, serverSelection } from './service.js';
import { computeGpuAvailability } from './gpu-availability.js';

const catalog = loadCatalog();

function node(name: string, product: string, gpus: number) {
  return {
    metadata: { name, labels: { 'nvidia.com/gpu.product': product } },
    status: {
      allocatable: { 'nvidia.com/gpu': String(gpus) },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

describe('environments view', () => {
  it('maps GPU product labels to catalog GPU types through their node selectors', () => {
    const availability = computeGpuAvailability(
      [node('a', 'NVIDIA-A100-SXM4-80GB', 4), node('t', 'Tesla-T4', 2), node('x', 'Other', 8)],
      [{ spec: { nodeName: 'a', containers: [{ resources: { limits: { 'nvidia.com/gpu': '3' } } }] } }],
    );
    const view = gpuTypeViews(catalog, { synced: () => true, availability: () => availability });
    expect(view.available).toBe(true);
    expect(view.types).toEqual([
      expect.objectContaining({
        type: 't4',
        product: 'Tesla-T4',
        free: 2,
        allocatable: 2,
        largestFreeOnOneNode: 2,
      }),
      expect.objectContaining({ type: 'a100', product: 'NVIDIA-A100-SXM4-80GB', free: 1, allocatable: 4 }),
    ]);
  });

  it('reports no live GPUs without a synced source', () => {
    expect(gpuTypeViews(catalog, undefined).available).toBe(false);
    const unsynced = gpuTypeViews(catalog, {
      synced: () => false,
      availability: () => {
        throw new Error('not read before sync');
      },
    });
    expect(unsynced.available).toBe(false);
    expect(unsynced.types.every((t) => t.free === 0)).toBe(true);
  });

  it('reads the selection back from user_options', () => {
    expect(serverSelection(catalog, { profile: 'tf-2.16-cuda12.3', gpus: '2', gpu_type: 'a100' })).toEqual({
      environment: 'tf-2.16-cuda12.3',
      gpus: 2,
      gpuType: 'a100',
    });
    expect(serverSelection(catalog, {})).toEqual({ environment: 'cpu-base', gpus: 0 });
  });

  it('puts the catalog, quota, current and servers together for a user', async () => {
    const servers = new Map<string, HubServer>([
      ['', { name: '', ready: true, pending: null, started: null, userOptions: { profile: 'xgboost-cpu' } }],
      [
        'exp1',
        {
          name: 'exp1',
          ready: false,
          pending: 'spawn',
          started: null,
          userOptions: { profile: 'torch-2.7-cuda12.6', gpus: '2', gpu_type: 'a100' },
        },
      ],
    ]);
    const service = new EnvironmentsService({
      catalog,
      quotas: { defaultMaxGpus: 2, users: { alice: 3 } },
      hub: { userServers: () => Promise.resolve(servers) },
    });
    const view = await service.view({ name: 'alice', kind: 'user' });
    expect(view.environments).toHaveLength(catalog.environments.length);
    expect(view.quota).toEqual({ maxGpus: 3, usedGpus: 2, remainingGpus: 1 });
    expect(view.current).toEqual({ environment: 'xgboost-cpu', gpus: 0 });
    expect(view.servers).toContainEqual({
      serverName: 'exp1',
      ready: false,
      pending: 'spawn',
      environment: 'torch-2.7-cuda12.6',
      gpus: 2,
      gpuType: 'a100',
    });
  });
});
