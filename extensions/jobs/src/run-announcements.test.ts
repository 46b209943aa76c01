import type { Run } from '@turing/client';
import { describe, expect, it } from 'vitest';

import { runStateChanges, runStates } from './run-announcements';
import { runFixture } from './testing/run-fixture';

const run = (id: string, state: Run['state']): Run => runFixture(id, state, { job: 'daily-ctr' });

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
