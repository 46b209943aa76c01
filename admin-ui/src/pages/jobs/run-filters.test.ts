import { describe, expect, it } from 'vitest';

import { queryString } from '../../api/query-string';
import { NO_RUN_FILTERS, isCancellable, runsQuery, shortRunId } from './run-filters';

describe('runs filters', () => {
  it('asks for every run without filters', () => {
    expect(queryString(runsQuery(NO_RUN_FILTERS))).toBe('?limit=100');
  });

  it('sends user, state, environment and the time range as ISO times', () => {
    const query = runsQuery({
      ...NO_RUN_FILTERS,
      user: 'alice',
      state: 'failed',
      environment: 'cpu-base',
      since: '2026-03-01T00:00',
    });
    expect(queryString(query)).toBe(
      `?user=alice&state=failed&environment=cpu-base&since=${encodeURIComponent(new Date('2026-03-01T00:00').toISOString())}&limit=100`,
    );
  });

  it('passes the cursor of the next page', () => {
    expect(queryString(runsQuery(NO_RUN_FILTERS, 'abc'))).toBe('?limit=100&cursor=abc');
  });

  it('cancels only queued and running runs', () => {
    expect(isCancellable('running')).toBe(true);
    expect(isCancellable('queued')).toBe(true);
    expect(isCancellable('failed')).toBe(false);
  });

  it('shortens run ids to their last, random part', () => {
    expect(shortRunId('hangs-5fc0dibv1o0au-mnwtt0kjg', 'hangs')).toBe('mnwtt0kj');
    expect(shortRunId('etl-5fc0dibv1o0au-q2x7', 'etl')).toBe('q2x7');
    expect(shortRunId('r1')).toBe('r1');
    expect(shortRunId('daily-ctr-abc', 'daily-ctr')).toBe('abc');
  });
});
