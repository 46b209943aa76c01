import type { Run } from '@turing/client';
import { describe, expect, it } from 'vitest';

import { runStateChanges, runStates } from './run-announcements';

function run(id: string, state: Run['state']): Run {
  return {
    id,
    job: 'daily-ctr',
    owner: 'alice',
    state,
    trigger: 'manual',
    parameters: {},
    attempt: 1,
    createdAt: '2026-01-01T00:00:00Z',
    artifacts: [],
  };
}

describe('run state announcements', () => {
  it('announces nothing on the first poll of a job', () => {
    expect(runStateChanges(null, [run('r2', 'failed'), run('r1', 'succeeded')])).toEqual([]);
  });

  it('announces a run that failed since the last poll, numbered from the oldest', () => {
    const before = runStates([run('r3', 'running'), run('r2', 'succeeded'), run('r1', 'succeeded')]);
    const changes = runStateChanges(before, [
      run('r3', 'failed'),
      run('r2', 'succeeded'),
      run('r1', 'succeeded'),
    ]);
    expect(changes.map((c) => [c.run.id, c.run.state, c.number])).toEqual([['r3', 'failed', 3]]);
  });

  it('announces a new run once it runs, not while it is queued', () => {
    const before = runStates([run('r1', 'succeeded')]);
    expect(runStateChanges(before, [run('r2', 'queued'), run('r1', 'succeeded')])).toEqual([]);
    expect(runStateChanges(before, [run('r2', 'running'), run('r1', 'succeeded')])[0]?.number).toBe(2);
  });
});
