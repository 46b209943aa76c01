import { describe, expect, it } from 'vitest';

import { describeError, errorFromProblem, errorSentence, parseRetryAfter, retryHint } from './errors';

const quotaProblem = {
  type: 'https://turing.dev/problems/quota-exceeded',
  title: 'Quota Exceeded',
  status: 429,
  detail:
    'Quota concurrentRuns exceeded: 0 of 0 runs in use; cancel a run or wait for one to finish, or ask an admin to raise your quota.',
  quota: 'concurrentRuns',
  limit: 0,
  used: 0,
};

describe('API errors', () => {
  it("keeps a quota refusal's detail and the Retry-After wait for display", () => {
    const error = errorFromProblem(
      429,
      'Too Many Requests',
      quotaProblem,
      new Headers({ 'Retry-After': '30' }),
    );
    expect(error.retryAfterSeconds).toBe(30);
    expect(describeError(error)).toEqual({
      title: 'Quota Exceeded',
      detail: quotaProblem.detail,
      fields: [],
      retryAfterSeconds: 30,
    });
  });

  it('offers no retry wait when the answer sends none', () => {
    const refused = { ...quotaProblem, status: 403, quota: 'scheduledJobs' };
    const error = errorFromProblem(403, 'Forbidden', refused, new Headers());
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(describeError(error)).not.toHaveProperty('retryAfterSeconds');
    expect(errorFromProblem(403, 'Forbidden', refused).retryAfterSeconds).toBeUndefined();
  });

  it('reads Retry-After as seconds or as an HTTP date, and ignores nonsense', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(parseRetryAfter(' 5 ', now)).toBe(5);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('-3', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

/** English plurals with `%1` filled in, as JupyterLab's bundle does. */
const english = {
  _n: (singular: string, plural: string, n: number) => (n === 1 ? singular : plural).replace('%1', String(n)),
};

describe('retry hint', () => {
  it('says when to retry in seconds, then in whole minutes rounded up', () => {
    expect(retryHint(30, english)).toBe('Try again in 30 seconds.');
    expect(retryHint(1, english)).toBe('Try again in 1 second.');
    expect(retryHint(119, english)).toBe('Try again in 119 seconds.');
    expect(retryHint(120, english)).toBe('Try again in 2 minutes.');
    expect(retryHint(121, english)).toBe('Try again in 3 minutes.');
  });

  it('says nothing without a wait', () => {
    expect(retryHint(undefined, english)).toBe('');
    expect(retryHint(0, english)).toBe('');
  });
});

describe('error sentence', () => {
  it('puts the retry hint after the detail', () => {
    const error = errorFromProblem(429, '', quotaProblem, new Headers({ 'Retry-After': '30' }));
    expect(errorSentence(describeError(error), english)).toBe(
      `${quotaProblem.detail} Try again in 30 seconds.`,
    );
  });

  it('falls back to the title without a detail', () => {
    expect(errorSentence({ title: 'Bad Gateway', fields: [] }, english)).toBe('Bad Gateway');
  });
});
