import { describe, expect, it } from 'vitest';
import { QuotaExceeded, Unprocessable, VersionConflict } from '../errors/index.js';
import { rejectionOf } from '../errors/testing/rejection.js';
import { toHttpError } from '../http/error-mapping.js';
import { createLogger } from '../observability/logger.js';
import { ownerLabelValue } from '../ownership/ownership.js';
import type { QuotasDocument } from './limits.js';
import { QuotaPolicy } from './quota-policy.js';
import { quotasText } from './quotas-document.js';
import { InMemoryDocumentStore } from './testing/in-memory-document-store.js';

const seed: QuotasDocument = {
  defaults: { gpus: 1, concurrentRuns: 3, scheduledJobs: 2, modelReplicas: 4, artifactBytes: 1000 },
  groups: { research: { concurrentRuns: 10 } },
  users: {},
};

function policyOver(groups: Record<string, string[]> = {}, failGroups = false) {
  const store = new InMemoryDocumentStore(() => quotasText(seed));
  const lookups: string[] = [];
  const policy = new QuotaPolicy({
    store,
    groups: (user) => {
      lookups.push(user);
      return failGroups ? Promise.reject(new Error('hub down')) : Promise.resolve(groups[user] ?? []);
    },
    fallback: seed,
    logger: createLogger({ level: 'silent' }),
  });
  policy.start();
  return { store, policy, lookups };
}

describe('QuotaPolicy', () => {
  it('seeds the store on first read and resolves limits with the hub groups', async () => {
    const { policy } = policyOver({ alice: ['research'] });
    expect(await policy.snapshot()).toEqual({ version: '1', document: seed });
    expect(await policy.limitsFor('alice')).toMatchObject({
      limits: { concurrentRuns: 10, gpus: 1 },
      sources: { concurrentRuns: 'group:research', gpus: 'default' },
      groups: ['research'],
    });
    expect(await policy.limit('bob', 'concurrentRuns')).toBe(3);
  });

  it('applies a replace at once, and refuses a stale version with 409 naming the current one', async () => {
    const { policy } = policyOver();
    await policy.snapshot();
    const lowered = { ...seed, users: { alice: { concurrentRuns: 1 } } };
    const written = await policy.replace(lowered, '1');
    expect(written.version).toBe('2');
    expect(await policy.limit('alice', 'concurrentRuns')).toBe(1);
    const stale = await rejectionOf(policy.replace(seed, '1'));
    expect(stale).toBeInstanceOf(VersionConflict);
    expect(toHttpError(stale)).toMatchObject({
      status: 409,
      detail: 'The quotas changed since you loaded them; reload them and apply your edit again.',
      extensions: { currentVersion: '2' },
    });
  });

  it('refuses an invalid document with 422 naming each field, and writes nothing', async () => {
    const { policy } = policyOver();
    const err = await rejectionOf(policy.replace({ ...seed, users: { alice: { gpus: -2 } } }, '1'));
    expect(err).toBeInstanceOf(Unprocessable);
    expect(toHttpError(err)).toMatchObject({
      status: 422,
      errors: [{ field: 'users.alice.gpus', message: 'must be ≥ 0' }],
    });
    expect((await policy.snapshot()).version).toBe('1');
  });

  it('follows writes by other replicas through watch(), and keeps the last valid document over a bad edit', async () => {
    const { policy, store } = policyOver();
    await policy.snapshot();
    store.replace(quotasText({ ...seed, defaults: { ...seed.defaults, gpus: 4 } }));
    expect(await policy.limit('alice', 'gpus')).toBe(4);
    store.replace('defaults: { gpus: lots }');
    expect(await policy.limit('alice', 'gpus')).toBe(4);
    // The bad text's version is offered, so an admin can save over it.
    const { version } = await policy.snapshot();
    await expect(policy.replace(seed, version)).resolves.toMatchObject({ document: seed });
  });

  it("resolves without groups when the hub cannot say a user's groups", async () => {
    const { policy } = policyOver({}, true);
    expect(await policy.limitsFor('alice')).toMatchObject({ groups: [], limits: { concurrentRuns: 3 } });
  });

  it('refuses past a limit with the quota, limit and use: 429 + Retry-After for runs, 403 for the rest', async () => {
    const { policy } = policyOver();
    const runs = await rejectionOf(policy.assertWithin('alice', 'concurrentRuns', 3));
    expect(runs).toBeInstanceOf(QuotaExceeded);
    expect(toHttpError(runs)).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '30' },
      extensions: { quota: 'concurrentRuns', limit: 3, used: 3 },
      detail:
        'Quota concurrentRuns exceeded: 3 of 3 runs in use; cancel a run or wait for one to finish, ' +
        'or ask an admin to raise your quota.',
    });
    const replicas = await rejectionOf(policy.assertWithin('alice', 'modelReplicas', 2, { adds: 3 }));
    expect(toHttpError(replicas)).toMatchObject({
      status: 403,
      type: 'https://turing.dev/problems/quota-exceeded',
      extensions: { quota: 'modelReplicas', limit: 4, used: 2 },
    });
    expect(toHttpError(replicas).headers['Retry-After']).toBeUndefined();
    await expect(policy.assertWithin('alice', 'modelReplicas', 1, { adds: 3 })).resolves.toBeUndefined();
    await expect(policy.assertWithin('alice', 'gpus', 5, { adds: 0 })).resolves.toBeUndefined();
  });

  it('sums the registered usage meters, 0 where none is registered', async () => {
    const { policy } = policyOver();
    policy.registerUsage('concurrentRuns', (user) => Promise.resolve(user === 'alice' ? 2 : 0));
    expect(await policy.usedBy('alice')).toEqual({
      gpus: 0,
      concurrentRuns: 2,
      scheduledJobs: 0,
      modelReplicas: 0,
      artifactBytes: 0,
    });
  });

  it('maps artifact owner prefixes back to users, hashed slugs included', async () => {
    const { policy } = policyOver({ alice: ['research'] });
    const odd = 'Dr. Ödön';
    await policy.replace(
      { ...seed, users: { alice: { artifactBytes: 5 }, [odd]: { artifactBytes: 7 } } },
      '1',
    );
    expect(await policy.artifactBytesFor('users/alice/')).toBe(5);
    expect(await policy.artifactBytesFor(`users/${ownerLabelValue(odd)}/`)).toBe(7);
    expect(await policy.artifactBytesFor('users/x---0badc0de/')).toBe(1000);
  });
});
