import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../environments/index.js';
import { dependencyErrors, resolveEnvironment, webhookErrors } from './validation.js';

// The repository's catalog, as the default config reads it.
const catalog = loadCatalog();

describe('job validation', () => {
  it('fills resources from the environment defaults', () => {
    const result = resolveEnvironment(catalog, 'cpu-base', {});
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.resources.gpus).toBe(0);
  });

  it('rejects GPUs on a CPU-only environment', () => {
    const result = resolveEnvironment(catalog, 'cpu-base', { gpus: 1 });
    expect(result.ok ? [] : result.errors).toEqual([
      { field: 'body.resources.gpus', message: expect.stringContaining('is CPU-only') },
    ]);
  });

  it('defaults the GPU type of a GPU environment and rejects one it does not offer', () => {
    const gpuEnv = catalog.environments.find((e) => e.gpu);
    expect(gpuEnv).toBeDefined();
    const ok = resolveEnvironment(catalog, gpuEnv?.id ?? '', { gpus: gpuEnv?.gpu?.counts[0] ?? 1 });
    expect(ok.ok && ok.resources.gpuType).toBe(gpuEnv?.gpu?.types[0]);
    const bad = resolveEnvironment(catalog, gpuEnv?.id ?? '', { gpus: 1, gpuType: 'h100' });
    expect(bad.ok ? [] : bad.errors.map((e) => e.field)).toContain('body.resources.gpuType');
  });

  it('rejects memory over the environment maximum', () => {
    const result = resolveEnvironment(catalog, 'cpu-base', { memory: '4Ti' });
    expect(result.ok ? [] : result.errors.map((e) => e.field)).toEqual(['body.resources.memory']);
  });

  it('rejects self, unknown and cyclic dependencies', () => {
    const graph = new Map([
      ['a', []],
      ['b', ['a']],
      ['c', ['b']],
    ]);
    expect(dependencyErrors('x', ['a', 'c'], graph)).toEqual([]);
    expect(dependencyErrors('x', ['x'], graph)[0]?.message).toMatch(/itself/);
    expect(dependencyErrors('x', ['zzz'], graph)[0]?.message).toMatch(/no job named "zzz"/);
    // a already exists; making a depend on c closes a -> c -> b -> a.
    expect(dependencyErrors('a', ['c'], graph)[0]?.message).toMatch(/cycle/);
  });

  it('reports each refused or unreachable webhook by index with one generic message, whatever the reason', async () => {
    const reasons: Record<string, string> = {
      'https://down.example/T0/B0/secret': 'connection refused',
      'http://10.0.0.1:6443/': 'resolves to 10.0.0.1 (private)',
      'http://slow.example/': 'no response within 3000 ms',
    };
    const errors = await webhookErrors(
      [
        { on: ['failure'], webhook: 'https://ok.example/hook' },
        ...Object.keys(reasons).map((webhook) => ({ on: ['failure' as const], webhook })),
      ],
      async (url) => {
        const reason = reasons[url];
        return reason === undefined ? { reachable: true } : { reachable: false, reason };
      },
    );
    const generic = 'The webhook URL is not allowed or not reachable.';
    expect(errors).toEqual([
      { field: 'body.alerts[1].webhook', message: generic },
      { field: 'body.alerts[2].webhook', message: generic },
      { field: 'body.alerts[3].webhook', message: generic },
    ]);
  });
});
