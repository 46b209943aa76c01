import type { Run } from '@turing/client';

/** A manual first-attempt run of `job` (default `j`) by alice, created 2026-01-01; `durationSeconds` only when given. */
export function runFixture(
  id: string,
  state: Run['state'],
  options: { job?: string; durationSeconds?: number } = {},
): Run {
  const { job = 'j', durationSeconds } = options;
  return {
    id,
    job,
    owner: 'alice',
    state,
    trigger: 'manual',
    parameters: {},
    attempt: 1,
    createdAt: '2026-01-01T00:00:00Z',
    artifacts: [],
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
  };
}
