import type { V1Secret } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KubeNotFoundError } from '../../k8s/errors.js';
import type { NotebookJob } from '../model.js';
import { HmacRunTokens } from '../run-token.js';
import { notebookJobFixture } from '../testing/notebook-job-fixture.js';
import { RUNNER_TOKEN_KEY } from './batch-manifests.js';
import type { JobsKubeApi } from './jobs-kube-api.js';
import {
  RUNNER_TOKEN_GRACE_SECONDS,
  RUNNER_TOKEN_RENEW_SECONDS,
  ensureRunnerSecret,
  runnerTokenTtlSeconds,
} from './runner-secret.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');
// Reads the (faked) clock at each call.
const tokens = new HmacRunTokens('a test secret of at least sixteen characters', () => Date.now());

function storedJob(uid = 'uid-1', timeoutSeconds = 1800): NotebookJob {
  const job = notebookJobFixture('alice@example.org', 'daily', { timeoutSeconds });
  job.metadata.uid = uid;
  return job;
}

/** A fake of what ensureRunnerSecret calls: one Secret, read by get, written by server-side apply. */
function fakeApi() {
  let stored: V1Secret | undefined;
  const patch = vi.fn(async (body: V1Secret) => {
    stored = body;
    return body;
  });
  const api = {
    clients: { objects: { patch }, fieldManager: 'test' },
    secrets: {
      get: vi.fn(async (name: string) => {
        if (!stored) throw new KubeNotFoundError('not-found', 404, `secrets "${name}" not found`);
        return stored;
      }),
    },
  };
  const token = () => Buffer.from(stored?.data?.[RUNNER_TOKEN_KEY] ?? '', 'base64').toString('utf8');
  return { api: api as unknown as Pick<JobsKubeApi, 'clients' | 'secrets'>, patch, token };
}

describe('ensureRunnerSecret', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stores a token bound to the object's name, uid and owner, living a run window plus two renewal periods", async () => {
    const job = storedJob();
    const { api, token } = fakeApi();
    const result = await ensureRunnerSecret(api, job, tokens);
    const ttl = 1800 + RUNNER_TOKEN_GRACE_SECONDS + 2 * RUNNER_TOKEN_RENEW_SECONDS;
    expect(runnerTokenTtlSeconds(job)).toBe(ttl);
    expect(tokens.verify(token())).toEqual({
      job: job.metadata.name,
      uid: 'uid-1',
      owner: 'alice@example.org',
      exp: NOW / 1000 + ttl,
    });
    // Renewed after one period, while a run starting then still has a whole window and a period left.
    expect(result).toEqual({ wrote: true, renewAt: NOW + RUNNER_TOKEN_RENEW_SECONDS * 1000 });
  });

  it('keeps the stored token while a run starting now could still finish with it, then replaces it', async () => {
    const job = storedJob();
    const { api, patch, token } = fakeApi();
    await ensureRunnerSecret(api, job, tokens);
    const first = token();

    vi.setSystemTime(NOW + RUNNER_TOKEN_RENEW_SECONDS * 1000 - 1000);
    expect(await ensureRunnerSecret(api, job, tokens)).toEqual({
      wrote: false,
      renewAt: NOW + RUNNER_TOKEN_RENEW_SECONDS * 1000,
    });
    expect(token()).toBe(first);

    vi.setSystemTime(NOW + RUNNER_TOKEN_RENEW_SECONDS * 1000);
    expect((await ensureRunnerSecret(api, job, tokens)).wrote).toBe(true);
    expect(token()).not.toBe(first);
    expect(tokens.verify(token())?.exp).toBe(
      (NOW + RUNNER_TOKEN_RENEW_SECONDS * 1000) / 1000 + runnerTokenTtlSeconds(job),
    );
    expect(patch).toHaveBeenCalledTimes(2);
  });

  it('replaces the token of an earlier object of the same name, and one that outlives a shortened timeout', async () => {
    const { api, token } = fakeApi();
    await ensureRunnerSecret(api, storedJob('uid-1'), tokens);
    // The Secret of a deleted object can linger until garbage collection; its token names the old uid.
    expect((await ensureRunnerSecret(api, storedJob('uid-2'), tokens)).wrote).toBe(true);
    expect(tokens.verify(token())?.uid).toBe('uid-2');

    await ensureRunnerSecret(api, storedJob('uid-2', 7 * 24 * 3600), tokens);
    expect((await ensureRunnerSecret(api, storedJob('uid-2', 7 * 24 * 3600), tokens)).wrote).toBe(false);
    expect((await ensureRunnerSecret(api, storedJob('uid-2', 60), tokens)).wrote).toBe(true);
    expect(tokens.verify(token())?.exp).toBe(NOW / 1000 + runnerTokenTtlSeconds(storedJob('uid-2', 60)));
  });

  it('refuses a NotebookJob without a uid instead of issuing a token that outlives it', async () => {
    const { api, patch } = fakeApi();
    const job = storedJob();
    delete job.metadata.uid;
    await expect(ensureRunnerSecret(api, job, tokens)).rejects.toThrow(/uid/);
    expect(patch).not.toHaveBeenCalled();
  });
});
