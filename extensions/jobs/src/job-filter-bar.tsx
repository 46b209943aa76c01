import type { TranslationBundle } from '@jupyterlab/translation';
import { SearchBox } from '@turing/ui';
import React, { useId } from 'react';

import type { JobFilter, JobSort, JobStateFilter } from './job-filter';

/** Props of {@link JobFilterBar}. */
export interface JobFilterBarProps {
  filter: JobFilter;
  sort: JobSort;
  onFilter: (filter: JobFilter) => void;
  onSort: (sort: JobSort) => void;
  trans: TranslationBundle;
}

/** The panel's name filter, state filter and sort order. */
export function JobFilterBar({
  filter,
  sort,
  onFilter,
  onSort,
  trans,
}: JobFilterBarProps): React.ReactElement {
  const id = useId();
  const states: Array<[JobStateFilter, string]> = [
    ['all', trans.__('All jobs')],
    ['scheduled', trans.__('Scheduled')],
    ['paused', trans.__('Paused')],
    ['on-demand', trans.__('On demand')],
    ['failed', trans.__('Last run failed')],
  ];
  const sorts: Array<[JobSort, string]> = [
    ['name', trans.__('Name')],
    ['next-run', trans.__('Next run')],
    ['last-run', trans.__('Last run')],
  ];
  return (
    <div className="jp-Turing-Jobs-filterBar" role="search" aria-label={trans.__('Find jobs')}>
      <SearchBox
        value={filter.query}
        onChange={(query) => onFilter({ ...filter, query })}
        label={trans.__('Filter jobs by name')}
        placeholder={trans.__('Filter by name')}
        testId="jobs-filter"
      />
      <div className="jp-Turing-Jobs-filterSelects">
        <label htmlFor={`${id}-state`} className="jp-Turing-VisuallyHidden">
          {trans.__('Show')}
        </label>
        <select
          id={`${id}-state`}
          className="jp-mod-styled"
          value={filter.state}
          data-testid="jobs-state-filter"
          onChange={(e) => onFilter({ ...filter, state: e.target.value as JobStateFilter })}
        >
          {states.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-sort`} className="jp-Turing-Jobs-sortLabel">
          {trans.__('Sort')}
        </label>
        <select
          id={`${id}-sort`}
          className="jp-mod-styled"
          value={sort}
          data-testid="jobs-sort"
          onChange={(e) => onSort(e.target.value as JobSort)}
        >
          {sorts.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
