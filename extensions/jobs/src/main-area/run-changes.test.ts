import type { Run } from '@turing/client';
import { describe, expect, it } from 'vitest';

import { changedRuns, runStates } from './run-changes';

const run = (id: string, state: Run['state']) => ({ id, state });

describe('which run-state changes are announced', () => {
  it('announces nothing on the first load', () => {
    expect(changedRuns(null, [run('a', 'failed')])).toEqual([]);
  });

  it('announces a run that moved on, and a new run only once it left the queue', () => {
    const before = runStates([run('a', 'running'), run('b', 'succeeded')]);
    expect(changedRuns(before, [run('c', 'queued'), run('a', 'failed'), run('b', 'succeeded')])).toEqual([
      run('a', 'failed'),
    ]);
    expect(changedRuns(before, [run('d', 'running'), run('a', 'running')])).toEqual([run('d', 'running')]);
  });
});
