import type { Run } from '@turing/client';

/** The last seen state of each run, by id. */
export type RunStates = ReadonlyMap<string, Run['state']>;

/** The states of `runs`, to compare the next poll with. */
export function runStates(runs: readonly Pick<Run, 'id' | 'state'>[]): RunStates {
  return new Map(runs.map((run) => [run.id, run.state]));
}

/**
 * The runs whose state changed since `previous`, worth telling a
 * screen-reader user about: a known run in a new state, or a new run that is
 * already past `queued` (a new queued run is what the user just started).
 * Nothing on the first poll (`previous` is `null`): that is the page loading.
 */
export function changedRuns<R extends Pick<Run, 'id' | 'state'>>(
  previous: RunStates | null,
  runs: readonly R[],
): R[] {
  if (!previous) {
    return [];
  }
  return runs.filter((run) => {
    const before = previous.get(run.id);
    return before === undefined ? run.state !== 'queued' : before !== run.state;
  });
}
