import { describe, expect, it } from 'vitest';
import type { QuotasDocument } from './limits.js';
import { resolveLimits } from './resolve-limits.js';

const document: QuotasDocument = {
  defaults: { gpus: 1, concurrentRuns: 5, scheduledJobs: 10, modelReplicas: 4, artifactBytes: 1000 },
  groups: {
    research: { gpus: 4, concurrentRuns: 20 },
    students: { gpus: 0, concurrentRuns: 2, modelReplicas: 1 },
    ml: { gpus: 8 },
  },
  users: { alice: { gpus: 2 }, constructor: { scheduledJobs: 0 } },
};

describe('resolveLimits', () => {
  it("takes the user's own entry first, then the highest value of their groups, then the defaults", () => {
    expect(resolveLimits(document, 'alice', ['ml', 'students'])).toEqual({
      limits: { gpus: 2, concurrentRuns: 2, scheduledJobs: 10, modelReplicas: 1, artifactBytes: 1000 },
      sources: {
        gpus: 'user',
        concurrentRuns: 'group:students',
        scheduledJobs: 'default',
        modelReplicas: 'group:students',
        artifactBytes: 'default',
      },
    });
  });

  it('lets a generous group raise a quota over a stricter one, whatever the order of the groups', () => {
    for (const groups of [
      ['students', 'research', 'ml'],
      ['ml', 'research', 'students'],
    ]) {
      const { limits, sources } = resolveLimits(document, 'bob', groups);
      expect(limits).toMatchObject({ gpus: 8, concurrentRuns: 20, modelReplicas: 1 });
      expect(sources).toMatchObject({ gpus: 'group:ml', concurrentRuns: 'group:research' });
    }
  });

  it("counts a user's entry of 0 as a limit, not as unset, and ignores groups the document does not name", () => {
    const { limits, sources } = resolveLimits(document, 'constructor', ['unknown', 'research']);
    expect(limits.scheduledJobs).toBe(0);
    expect(sources.scheduledJobs).toBe('user');
    expect(resolveLimits(document, 'toString', ['hasOwnProperty']).sources.gpus).toBe('default');
  });
});
