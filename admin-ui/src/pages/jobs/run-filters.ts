import type { QueryValues } from '../../api/query-string';
import { localInputToIso } from '../../api/query-string';
import type { RunState } from '../../api/types';

/** The runs table's filters as the form holds them (times as `datetime-local` values). */
export interface RunFilters {
  user: string;
  job: string;
  state: RunState | '';
  environment: string;
  since: string;
  until: string;
}

/** No filter: every user's runs. */
export const NO_RUN_FILTERS: RunFilters = {
  user: '',
  job: '',
  state: '',
  environment: '',
  since: '',
  until: '',
};

/** How many runs a page asks for. */
export const RUNS_PAGE_SIZE = 100;

/** The query of `GET /api/v1/admin/runs` for the filters (and the next page's cursor). */
export function runsQuery(filters: RunFilters, cursor?: string): QueryValues {
  return {
    user: filters.user,
    job: filters.job,
    state: filters.state,
    environment: filters.environment,
    since: localInputToIso(filters.since),
    until: localInputToIso(filters.until),
    limit: RUNS_PAGE_SIZE,
    cursor,
  };
}

/** Whether a run can still be cancelled. */
export function isCancellable(state: RunState): boolean {
  return state === 'queued' || state === 'running';
}

/**
 * A run id short enough for a table cell and a button name: its last
 * `-`-separated part, the random one (`etl-5fc0dibv1o0au-mnwtt0kjg` ->
 * `mnwtt0kj`), at most 8 characters. The job's name is never all of it.
 */
export function shortRunId(id: string, job?: string): string {
  const own = job && id.startsWith(`${job}-`) ? id.slice(job.length + 1) : id;
  const last = own.split('-').filter(Boolean).pop() ?? own;
  return last.slice(0, 8);
}
