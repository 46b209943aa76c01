import { describe, expect, it } from 'vitest';
import { parseQuotasText, quotasText, validateQuotas } from './quotas-document.js';
import { seedQuotas } from './seed.js';

const defaults = { gpus: 2, concurrentRuns: 10, scheduledJobs: 50, modelReplicas: 8, artifactBytes: 1 << 30 };

describe('the quotas document', () => {
  it('names every bad field as <path>: <message>', () => {
    const result = validateQuotas({
      defaults: { ...defaults, concurrentRuns: 2.5, modelReplicas: undefined },
      groups: { research: { gpus: '4' } },
      users: { alice: { gpus: -1, cpus: 3 } },
      extra: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { field: 'defaults.concurrentRuns', message: 'must be a whole number' },
        { field: 'defaults.modelReplicas', message: 'is required' },
        { field: 'groups.research.gpus', message: 'must be a number' },
        { field: 'users.alice.gpus', message: 'must be ≥ 0' },
        { field: 'users.alice.cpus', message: 'unknown field' },
        { field: 'extra', message: 'unknown field' },
      ]),
    );
    expect(result.errors).toHaveLength(6);
  });

  it('round-trips through the stored JSON text, and reads YAML edited by hand', () => {
    const document = { defaults, groups: { b: { gpus: 1 }, a: {} }, users: { alice: { artifactBytes: 0 } } };
    const text = quotasText(document);
    expect(Object.keys((JSON.parse(text) as { groups: object }).groups)).toEqual(['a', 'b']);
    expect(parseQuotasText(text)).toEqual({ ok: true, document });
    const yaml =
      'defaults:\n  gpus: 1\n  concurrentRuns: 1\n  scheduledJobs: 1\n  modelReplicas: 1\n  artifactBytes: 1\n';
    expect(parseQuotasText(yaml)).toMatchObject({ ok: true, document: { groups: {}, users: {} } });
    expect(parseQuotasText('{')).toMatchObject({ ok: false, errors: [{ field: '(document)' }] });
  });

  it('seeds from the config: GPU keys as before, other defaults from quotas.defaults or the built-in caps', () => {
    expect(seedQuotas({ defaultMaxGpus: 3, users: { alice: 8 }, defaults: { scheduledJobs: 5 } })).toEqual({
      defaults: { gpus: 3, concurrentRuns: 10, scheduledJobs: 5, modelReplicas: 8, artifactBytes: 1024 ** 3 },
      groups: {},
      users: { alice: { gpus: 8 } },
    });
    expect(seedQuotas({ defaultMaxGpus: 3, users: {}, defaults: { gpus: 1 } }).defaults.gpus).toBe(1);
    // artifacts.maxOwnerBytes (what artifactBytes replaces) seeds it, unless quotas.defaults names it.
    const settings = { defaultMaxGpus: 2, users: {}, defaults: {} };
    expect(seedQuotas(settings, { artifactBytes: 5 }).defaults.artifactBytes).toBe(5);
    expect(
      seedQuotas({ ...settings, defaults: { artifactBytes: 7 } }, { artifactBytes: 5 }).defaults
        .artifactBytes,
    ).toBe(7);
  });
});
