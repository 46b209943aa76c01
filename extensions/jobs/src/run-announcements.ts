import type { Run, RunState } from '@turing/client';

/** A run whose state changed between two polls, with its number in the list. */
export interface RunStateChange {
  run: Run;
  number: number;
}

/**
 * The runs whose state differs from `previous` (id → state of the last poll),
 * plus runs new since then that are past `queued`; none on the first poll
 * (`previous` null), so opening a job announces nothing.
 */
export function runStateChanges(
  previous: ReadonlyMap<string, RunState> | null,
  runs: readonly Run[],
): RunStateChange[] {
  if (!previous) {
    return [];
  }
  const changes: RunStateChange[] = [];
  runs.forEach((run, index) => {
    const before = previous.get(run.id);
    if (before === undefined ? run.state !== 'queued' : before !== run.state) {
      changes.push({ run, number: runs.length - index });
    }
  });
  return changes;
}

/** The states of `runs` by id, for the next {@link runStateChanges}. */
export function runStates(runs: readonly Run[]): Map<string, RunState> {
  return new Map(runs.map((run) => [run.id, run.state]));
}
