import { describe, expect, it } from 'vitest';

import { errorArg, shownErrorArg } from './error-arg';

const refusal = {
  title: 'Job "nightly" was created, but its run could not start: Quota Exceeded',
  detail:
    'Quota concurrentRuns exceeded: 0 of 0 runs in use; cancel a run or wait for one to finish, or ask an admin to raise your quota.',
  fields: [],
  requestId: 'r-1',
  retryAfterSeconds: 30,
};

describe('errors in command arguments', () => {
  it('carries a refusal to the panel unchanged, through JSON', () => {
    const arg = JSON.parse(JSON.stringify(errorArg(refusal))) as unknown;
    expect(shownErrorArg(arg)).toEqual(refusal);
  });

  it('leaves out members the error does not have', () => {
    expect(errorArg({ title: 'Network error', fields: ['name: taken'] })).toEqual({
      title: 'Network error',
      fields: ['name: taken'],
    });
  });

  it('ignores an argument that is not an error', () => {
    expect(shownErrorArg(undefined)).toBeUndefined();
    expect(shownErrorArg('Quota Exceeded')).toBeUndefined();
    expect(shownErrorArg({ detail: 'no title' })).toBeUndefined();
    expect(shownErrorArg({ title: 'x', fields: [1, 'a'], retryAfterSeconds: -1, detail: 3 })).toEqual({
      title: 'x',
      fields: ['a'],
    });
  });
});
