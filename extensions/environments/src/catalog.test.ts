import type { Environment } from '@turing/client';
import { describe, expect, it } from 'vitest';

import type { CatalogFilter } from './catalog';
import { filterEnvironments, frameworkNames, isGpuEnvironment, versionBadges } from './catalog';
import { catalog } from './testing/catalog-fixture';

const all: CatalogFilter = { query: '', kind: 'all', framework: '', showCpu: true };
const ids = (envs: Environment[]) => envs.map((e) => e.id);

describe('catalog filtering', () => {
  it('keeps everything with no filter, in catalog order', () => {
    expect(ids(filterEnvironments(catalog, all))).toEqual([
      'torch-2.5-cuda12',
      'tf-2.16-cuda12',
      'cpu-sklearn',
    ]);
  });

  it('filters by kind and by the showCpu setting', () => {
    expect(ids(filterEnvironments(catalog, { ...all, kind: 'gpu' }))).toEqual([
      'torch-2.5-cuda12',
      'tf-2.16-cuda12',
    ]);
    expect(ids(filterEnvironments(catalog, { ...all, kind: 'cpu' }))).toEqual(['cpu-sklearn']);
    expect(ids(filterEnvironments(catalog, { ...all, showCpu: false }))).toEqual([
      'torch-2.5-cuda12',
      'tf-2.16-cuda12',
    ]);
  });

  it('filters by framework', () => {
    expect(ids(filterEnvironments(catalog, { ...all, framework: 'tensorflow' }))).toEqual(['tf-2.16-cuda12']);
    expect(ids(filterEnvironments(catalog, { ...all, framework: 'nothing' }))).toEqual([]);
  });

  it('searches names, versions, GPU types and tags, case-insensitively, all terms', () => {
    expect(ids(filterEnvironments(catalog, { ...all, query: 'CUDA 12.4' }))).toEqual(['torch-2.5-cuda12']);
    expect(ids(filterEnvironments(catalog, { ...all, query: 'a100' }))).toEqual(['torch-2.5-cuda12']);
    expect(ids(filterEnvironments(catalog, { ...all, query: 'scikit-learn' }))).toEqual(['cpu-sklearn']);
    expect(ids(filterEnvironments(catalog, { ...all, query: 't4 keras' }))).toEqual(['tf-2.16-cuda12']);
    expect(ids(filterEnvironments(catalog, { ...all, query: '  python 3.11  ' }))).toEqual([
      'torch-2.5-cuda12',
      'tf-2.16-cuda12',
    ]);
    expect(ids(filterEnvironments(catalog, { ...all, query: 'tabular', kind: 'gpu' }))).toEqual([]);
  });
});

describe('catalog helpers', () => {
  it('lists frameworks sorted by display name', () => {
    expect(frameworkNames(catalog)).toEqual(['keras', 'pytorch', 'sklearn', 'tensorflow', 'xgboost']);
  });

  it('makes version badges: Python, CUDA, cuDNN, frameworks', () => {
    expect(versionBadges(catalog[0] as Environment).map((b) => `${b.label} ${b.version}`)).toEqual([
      'Python 3.11',
      'CUDA 12.4',
      'cuDNN 9.1',
      'PyTorch 2.5.1',
    ]);
    expect(versionBadges(catalog[2] as Environment).map((b) => b.key)).toEqual([
      'python',
      'framework:sklearn',
      'framework:xgboost',
    ]);
  });

  it('treats an environment whose only count is 0 as CPU', () => {
    const env = {
      ...(catalog[0] as Environment),
      gpu: { resource: 'nvidia.com/gpu', counts: [0], types: [] },
    };
    expect(isGpuEnvironment(env)).toBe(false);
    expect(isGpuEnvironment(catalog[1] as Environment)).toBe(true);
  });
});
