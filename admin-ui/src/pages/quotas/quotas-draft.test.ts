import { describe, expect, it } from 'vitest';

import type { QuotasDocument } from '../../api/types';
import { draftFromQuotas, emptyRow, nameField, quotaErrorField, quotasFromDraft } from './quotas-draft';

const GiB = 1024 ** 3;

const document: QuotasDocument = {
  defaults: { gpus: 1, concurrentRuns: 3, scheduledJobs: 10, modelReplicas: 4, artifactBytes: 50 * GiB },
  groups: { ml: { gpus: 4 } },
  users: { alice: { concurrentRuns: 6, artifactBytes: 100 * GiB } },
};

describe('quotas drafts', () => {
  it('gives back the same document after a round trip through the form', () => {
    expect(quotasFromDraft(draftFromQuotas(document))).toEqual({ ok: true, document });
  });

  it('leaves a row limit that is empty out (inherited)', () => {
    const draft = draftFromQuotas(document);
    const ml = draft.groups[0];
    expect(ml?.limits.concurrentRuns).toBe('');
    const result = quotasFromDraft(draft);
    expect(result.ok && result.document.groups.ml).toEqual({ gpus: 4 });
  });

  it('requires every default and names the field', () => {
    const draft = draftFromQuotas(document);
    draft.defaults.gpus = '';
    draft.defaults.concurrentRuns = '2.5';
    expect(quotasFromDraft(draft)).toEqual({
      ok: false,
      errors: { 'defaults.gpus': ['is required'], 'defaults.concurrentRuns': ['must be a whole number ≥ 0'] },
    });
  });

  it('refuses an unnamed or repeated row', () => {
    const draft = draftFromQuotas(document);
    const unnamed = emptyRow();
    const twice = { ...emptyRow(), name: 'alice' };
    draft.users.push(unnamed, twice);
    expect(quotasFromDraft(draft)).toEqual({
      ok: false,
      errors: {
        [nameField('users', unnamed.key)]: ['is required'],
        [nameField('users', twice.key)]: ['"alice" is listed twice'],
      },
    });
  });

  it('maps server error paths to the form fields', () => {
    expect(quotaErrorField('body.groups.ml.gpus')).toBe('groups.ml.gpus');
    expect(quotaErrorField('defaults.artifactBytes')).toBe('defaults.artifactBytes');
    expect(quotaErrorField('users["bob"].gpus')).toBe('users.bob.gpus');
  });
});
