import type { ITuringClient, Job, Run } from '@turing/client';
import { describe, expect, it } from 'vitest';

import {
  cancelRun,
  deleteJob,
  followRunLog,
  jobKey,
  listRuns,
  readRunLog,
  runOutputNotebook,
  sameJob,
  setSuspended,
  startRun,
  updateJob,
} from './job-requests';
import { failedRun, scheduledJob } from './testing/job-fixture';

/** A client whose job methods record their arguments and answer `{}`. */
function recordingClient(): { client: ITuringClient; calls: Array<[string, ...unknown[]]> } {
  const calls: Array<[string, ...unknown[]]> = [];
  const jobs = new Proxy(
    {},
    {
      get:
        (_target, method: string) =>
        (...args: unknown[]) => {
          calls.push([method, ...args.filter((a) => typeof a !== 'function')]);
          return Promise.resolve(method === 'runOutput' ? { nbformat: 4, metadata: {}, cells: [] } : {});
        },
    },
  );
  return { client: { jobs } as unknown as ITuringClient, calls };
}

// An admin's panel lists everyone's jobs; names are unique per owner only.
const bobsJob: Job = { ...scheduledJob(), name: 'daily', owner: 'bob' };
const bobsRun: Run = { ...failedRun, job: 'daily', owner: 'bob' };

describe("per-job requests address the job's owner", () => {
  it('sends user=<owner> with every job action and run action of the panel', async () => {
    const { client, calls } = recordingClient();
    const signal = new AbortController().signal;
    await setSuspended(client, bobsJob, true);
    await startRun(client, bobsJob);
    await deleteJob(client, bobsJob);
    await updateJob(client, bobsJob, { parameters: { n: 1 } });
    await listRuns(client, bobsJob);
    await cancelRun(client, bobsRun);
    await readRunLog(client, bobsRun);
    await followRunLog(client, bobsRun, () => undefined, signal);
    await runOutputNotebook(client, bobsRun);
    expect(calls).toEqual([
      ['update', 'daily', { suspend: true }, { user: 'bob' }],
      ['run', 'daily', undefined, { user: 'bob' }],
      ['delete', 'daily', { user: 'bob' }],
      ['update', 'daily', { parameters: { n: 1 } }, { user: 'bob' }],
      ['listRuns', 'daily', { user: 'bob' }],
      ['cancelRun', bobsRun.id, { user: 'bob' }],
      ['runLog', bobsRun.id, { user: 'bob' }],
      ['followRunLog', bobsRun.id, { signal, user: 'bob' }],
      ['runOutput', bobsRun.id, 'ipynb', { user: 'bob' }],
    ]);
  });

  it("tells two owners' jobs of the same name apart", () => {
    const alices = { name: 'daily', owner: 'alice' };
    expect(jobKey(alices)).not.toBe(jobKey(bobsJob));
    expect(sameJob(alices, bobsJob)).toBe(false);
    expect(sameJob(alices, { ...alices })).toBe(true);
    expect(sameJob(alices, null)).toBe(false);
  });
});
