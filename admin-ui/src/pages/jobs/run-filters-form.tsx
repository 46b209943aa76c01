import React from 'react';

import { RUN_STATES } from '../../api/types';
import { trans } from '../../app/translation';
import { FilterForm } from '../../components/filter-form';
import type { RunFilters } from './run-filters';
import { NO_RUN_FILTERS } from './run-filters';

/** Props of {@link RunFiltersForm}. */
export interface RunFiltersFormProps {
  filters: RunFilters;
  onChange: (filters: RunFilters) => void;
}

/** User, job, state, environment and time range of the runs table; each change reloads it. */
export function RunFiltersForm({ filters, onChange }: RunFiltersFormProps): React.ReactElement {
  return (
    <FilterForm
      filters={filters}
      onChange={onChange}
      cleared={NO_RUN_FILTERS}
      label={trans.__('Filter runs')}
      testIdPrefix="runs-filter"
      fields={[
        { key: 'user', label: trans.__('User'), type: 'search' },
        { key: 'job', label: trans.__('Job'), type: 'search' },
        {
          key: 'state',
          label: trans.__('State'),
          type: 'select',
          options: RUN_STATES.map((state) => ({ value: state, label: state })),
        },
        { key: 'environment', label: trans.__('Environment'), type: 'search' },
        { key: 'since', label: trans.__('Started after'), type: 'datetime-local' },
        { key: 'until', label: trans.__('Started before'), type: 'datetime-local' },
      ]}
    />
  );
}
