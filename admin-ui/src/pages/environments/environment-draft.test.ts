import { describe, expect, it } from 'vitest';

import type { CatalogEnvironment } from '../../api/types';
import { draftFromEnvironment, emptyDraft, environmentFromDraft } from './environment-draft';

const torch: CatalogEnvironment = {
  id: 'torch-2.7-cuda12.6',
  displayName: 'PyTorch 2.7 (CUDA 12.6)',
  description: 'PyTorch on CUDA 12.6.',
  image: 'ghcr.io/turing-platform/torch:2.7.1',
  versions: {
    python: '3.12',
    cuda: '12.6',
    cudnn: '9.5',
    frameworks: { torch: '2.7.1', torchvision: '0.22.1' },
  },
  gpu: { vendor: 'nvidia', resource: 'nvidia.com/gpu', counts: [1, 2, 4], types: ['t4', 'a100'] },
  resources: { cpu: { default: '4', max: '16' }, memory: { default: '16Gi', max: '64Gi' } },
  tags: ['gpu', 'pytorch'],
  disabled: false,
};

describe('environment drafts', () => {
  it('gives back the same entry after a round trip through the form', () => {
    const result = environmentFromDraft(draftFromEnvironment(torch));
    expect(result).toEqual({ ok: true, environment: torch });
  });

  it('leaves out the GPU block and empty CUDA versions of a CPU environment', () => {
    const draft = { ...emptyDraft(), id: 'cpu', gpuEnabled: false, cuda: ' ', tags: 'cpu,  python' };
    const result = environmentFromDraft(draft);
    expect(result.ok && result.environment.gpu).toBeUndefined();
    expect(result.ok && result.environment.versions.cuda).toBeUndefined();
    expect(result.ok && result.environment.tags).toEqual(['cpu', 'python']);
  });

  it('reads frameworks written with =, == or :', () => {
    const result = environmentFromDraft({
      ...emptyDraft(),
      frameworks: 'torch==2.7.1\nnumpy: 2.1\n\nscipy = 1.14',
    });
    expect(result.ok && result.environment.versions.frameworks).toEqual({
      torch: '2.7.1',
      numpy: '2.1',
      scipy: '1.14',
    });
  });

  it('names the framework line it cannot read', () => {
    expect(environmentFromDraft({ ...emptyDraft(), frameworks: 'torch 2.7\nnumpy=2' })).toEqual({
      ok: false,
      errors: { 'versions.frameworks': ['line 1: write "name = version", e.g. "torch = 2.7.1"'] },
    });
  });

  it('sends a GPU count that is not a whole number as typed, for the server to name', () => {
    const draft = { ...draftFromEnvironment(torch), gpuCounts: '1, two' };
    const result = environmentFromDraft(draft);
    expect(result.ok && result.environment.gpu?.counts).toEqual([1, 'two']);
  });
});
