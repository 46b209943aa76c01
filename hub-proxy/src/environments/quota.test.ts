import { describe, expect, it } from 'vitest';
import type { HubServer } from '../auth/hub-client.js';
import { toHttpError } from '../http/error-mapping.js';
import { loadCatalog } from './catalog/index.js';
import {
  assertWithinGpuQuota,
  GpuQuotaExceededError,
  gpuQuotaUsage,
  maxGpusFor,
  serverGpus,
} from './quota.js';

const catalog = loadCatalog();
const quotas = { defaultMaxGpus: 2, users: { bigco: 8, nogpu: 0 } };

function server(name: string, userOptions: Record<string, unknown>): HubServer {
  return { name, ready: true, pending: null, started: null, userOptions };
}

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

  it('sums every server, or every server but the target, and refuses what goes over', () => {
    const servers = [
      server('', { profile: 'tf-2.16-cuda12.3', gpus: '1', gpu_type: 't4' }),
      server('exp1', { profile: 'torch-2.7-cuda12.6', gpus: '1', gpu_type: 'a100' }),
    ];
    expect(gpuQuotaUsage(catalog, quotas, 'alice', servers)).toEqual({
      maxGpus: 2,
      usedGpus: 2,
      remainingGpus: 0,
    });
    // Restarting the default server releases its own GPU first.
    expect(assertWithinGpuQuota(catalog, quotas, 'alice', servers, '', 1).usedGpus).toBe(1);
    expect(() => assertWithinGpuQuota(catalog, quotas, 'alice', servers, 'exp2', 1)).toThrow(
      /GPU quota exceeded: you have 2 of 2 GPUs in use/,
    );
    // Zero GPUs always fit, even over a lowered quota.
    expect(() => assertWithinGpuQuota(catalog, quotas, 'nogpu', servers, 'exp2', 0)).not.toThrow();
    const err = (() => {
      try {
        assertWithinGpuQuota(catalog, quotas, 'alice', [], '', 4);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(GpuQuotaExceededError);
    expect(toHttpError(err)).toMatchObject({
      status: 403,
      title: 'GPU Quota Exceeded',
      type: 'https://turing.dev/problems/gpu-quota-exceeded',
    });
  });
});
