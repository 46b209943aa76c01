import React from 'react';

import { RUN_STATES } from '../../api/types';
import { trans } from '../../app/translation';
import type { RunFilters } from './run-filters';
import { NO_RUN_FILTERS } from './run-filters';

/** Props of {@link RunFiltersForm}. */
export interface RunFiltersFormProps {
  filters: RunFilters;
  onChange: (filters: RunFilters) => void;
}

/** User, job, state, environment and time range of the runs table; each change reloads it. */
export function RunFiltersForm({ filters, onChange }: RunFiltersFormProps): React.ReactElement {
  const text = (key: 'user' | 'job' | 'environment', label: string) => (
    <label className="jp-Turing-Admin-filter">
      <span>{label}</span>
      <input
        type="search"
        className="jp-mod-styled"
        value={filters[key]}
        spellCheck={false}
        data-testid={`runs-filter-${key}`}
        onChange={(event) => onChange({ ...filters, [key]: event.target.value })}
      />
    </label>
  );
  const time = (key: 'since' | 'until', label: string) => (
    <label className="jp-Turing-Admin-filter">
      <span>{label}</span>
      <input
        type="datetime-local"
        className="jp-mod-styled"
        value={filters[key]}
        data-testid={`runs-filter-${key}`}
        onChange={(event) => onChange({ ...filters, [key]: event.target.value })}
      />
    </label>
  );
  return (
    <form
      className="jp-Turing-Admin-filters"
      role="search"
      aria-label={trans.__('Filter runs')}
      onSubmit={(event) => event.preventDefault()}
    >
      {text('user', trans.__('User'))}
      {text('job', trans.__('Job'))}
      <label className="jp-Turing-Admin-filter">
        <span>{trans.__('State')}</span>
        <select
          className="jp-mod-styled"
          value={filters.state}
          data-testid="runs-filter-state"
          onChange={(event) => onChange({ ...filters, state: event.target.value as RunFilters['state'] })}
        >
          <option value="">{trans.__('Any')}</option>
          {RUN_STATES.map((state) => (
            <option key={state} value={state}>
              {state}
            </option>
          ))}
        </select>
      </label>
      {text('environment', trans.__('Environment'))}
      {time('since', trans.__('Started after'))}
      {time('until', trans.__('Started before'))}
      <button
        type="button"
        className="jp-mod-styled jp-Turing-Button"
        data-testid="runs-filter-clear"
        onClick={() => onChange(NO_RUN_FILTERS)}
      >
        {trans.__('Clear filters')}
      </button>
    </form>
  );
}
