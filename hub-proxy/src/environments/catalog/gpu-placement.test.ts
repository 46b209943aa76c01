import { describe, expect, it } from 'vitest';
import { catalogSchema } from './catalog-schema.js';
import { gpuPlacementOf, gpuPodFields } from './gpu-placement.js';
import { resolveServerOptions } from './profile-list.js';

const TAINT = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' } as const;
const POOL_TAINT = { key: 'pool', operator: 'Equal', value: 'l4', effect: 'NoSchedule' } as const;

const catalog = catalogSchema.parse({
  gpuTypes: {
    t4: { displayName: 'T4', nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' }, tolerations: [TAINT] },
    l4: {
      displayName: 'L4 pool',
      // More than the product label: a node pool label as well.
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4', 'cloud.google.com/gke-nodepool': 'l4-pool' },
      tolerations: [TAINT, POOL_TAINT],
    },
    bare: { displayName: 'Untainted', nodeSelector: { 'nvidia.com/gpu.product': 'Bare' } },
  },
  environments: [
    {
      id: 'cpu',
      displayName: 'CPU',
      description: 'CPU only.',
      image: 'example/cpu:1',
      versions: { python: '3.11' },
      resources: { cpu: { default: '1', max: '2' }, memory: { default: '1Gi', max: '2Gi' } },
    },
    {
      id: 'gpu',
      displayName: 'GPU',
      description: 'GPU.',
      image: 'example/gpu:1',
      versions: { python: '3.11', cuda: '12.4' },
      gpu: { vendor: 'nvidia', resource: 'nvidia.com/gpu', counts: [1], types: ['t4', 'l4', 'bare'] },
      resources: { cpu: { default: '1', max: '2' }, memory: { default: '1Gi', max: '2Gi' } },
    },
  ],
});

describe('gpuPlacementOf', () => {
  it('gives every node label of the GPU type and its tolerations', () => {
    expect(gpuPlacementOf(catalog, 'l4')).toEqual({
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4', 'cloud.google.com/gke-nodepool': 'l4-pool' },
      tolerations: [TAINT, POOL_TAINT],
    });
    expect(gpuPlacementOf(catalog, 'bare')).toEqual({
      nodeSelector: { 'nvidia.com/gpu.product': 'Bare' },
      tolerations: [],
    });
  });

  it('returns copies, so a caller changing its pod spec cannot change the catalog', () => {
    const placement = gpuPlacementOf(catalog, 't4');
    placement.nodeSelector.extra = 'x';
    placement.tolerations[0] = { key: 'changed' };
    expect(gpuPlacementOf(catalog, 't4')).toEqual({
      nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' },
      tolerations: [TAINT],
    });
  });

  it('lets a pod of no known type go to any GPU node: no selector, every type’s tolerations once', () => {
    for (const type of [undefined, 'removed-by-an-admin']) {
      expect(gpuPlacementOf(catalog, type)).toEqual({ nodeSelector: {}, tolerations: [TAINT, POOL_TAINT] });
    }
  });

  it('is exactly what the KubeSpawner profile of that GPU type selects and tolerates', () => {
    for (const type of ['t4', 'l4', 'bare']) {
      const resolved = resolveServerOptions(catalog, { profile: 'gpu', gpu_type: type });
      if (!resolved.ok) throw new Error(JSON.stringify(resolved.errors));
      const { node_selector: selector, tolerations } = resolved.value.override;
      const placement = gpuPlacementOf(catalog, type);
      // The profile also clears (null) the labels of the other types; the labels it sets are the placement's.
      const set = Object.fromEntries(Object.entries(selector ?? {}).filter(([, v]) => v !== null));
      expect(set, type).toEqual(placement.nodeSelector);
      expect(tolerations, type).toEqual(placement.tolerations);
    }
  });
});

describe('gpuPodFields', () => {
  const source = { gpuPlacementFor: (type: string | undefined) => gpuPlacementOf(catalog, type) };

  it('gives a GPU pod its node selector and tolerations', () => {
    expect(gpuPodFields(source, 1, 't4')).toEqual({
      nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' },
      tolerations: [TAINT],
    });
  });

  it('gives a CPU pod neither, whatever GPU type it names', () => {
    expect(gpuPodFields(source, 0, 't4')).toEqual({});
    expect(gpuPodFields(source, 0, undefined)).toEqual({});
  });

  it('leaves out empty fields', () => {
    expect(gpuPodFields(source, 1, 'bare')).toEqual({ nodeSelector: { 'nvidia.com/gpu.product': 'Bare' } });
    expect(gpuPodFields(source, 2, undefined)).toEqual({ tolerations: [TAINT, POOL_TAINT] });
  });
});
