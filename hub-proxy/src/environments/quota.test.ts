import { describe, expect, it } from 'vitest';
import { toHttpError } from '../http/error-mapping.js';
import { loadCatalog } from './catalog/index.js';
import { GpuQuotaExceededError, maxGpusFor, serverGpus } from './quota.js';

const catalog = loadCatalog();
const quotas = { defaultMaxGpus: 2, users: { bigco: 8, nogpu: 0 } };

describe('GPU quota', () => {
  it("takes the user's own limit, else the default", () => {
    expect(maxGpusFor(quotas, 'alice')).toBe(2);
    expect(maxGpusFor(quotas, 'bigco')).toBe(8);
    expect(maxGpusFor(quotas, 'nogpu')).toBe(0);
    expect(maxGpusFor(quotas, 'constructor')).toBe(2);
  });

  it('counts GPUs the way KubeSpawner resolves user_options', () => {
    expect(serverGpus(catalog, { profile: 'tf-2.16-cuda12.3', gpus: '4', gpu_type: 'a100' })).toBe(4);
    // A GPU environment without a count gets its default (the first count).
    expect(serverGpus(catalog, { profile: 'tf-2.16-cuda12.3' })).toBe(1);
    expect(serverGpus(catalog, { profile: 'cpu-base' })).toBe(0);
    expect(serverGpus(catalog, {})).toBe(0);
    // An environment the catalog dropped still counts its raw GPUs.
    expect(serverGpus(catalog, { profile: 'gone', gpus: '2' })).toBe(2);
  });

  it('refuses with 403 gpu-quota-exceeded carrying the gpus quota, its limit and the use', () => {
    const err = new GpuQuotaExceededError('GPU quota exceeded: you have 2 of 2 GPUs in use.', 2, 2);
    expect(toHttpError(err)).toMatchObject({
      status: 403,
      title: 'GPU Quota Exceeded',
      type: 'https://turing.dev/problems/gpu-quota-exceeded',
      extensions: { quota: 'gpus', limit: 2, used: 2 },
    });
    expect(toHttpError(err).headers['Retry-After']).toBeUndefined();
  });
});
