import React from 'react';

import { trans } from '../../app/translation';
import { FilterForm } from '../../components/filter-form';
import type { AuditFilters } from './audit-filters';
import { NO_AUDIT_FILTERS } from './audit-filters';

/** Props of {@link AuditFiltersForm}. */
export interface AuditFiltersFormProps {
  filters: AuditFilters;
  onChange: (filters: AuditFilters) => void;
}

/** Actor, action, object kind and name, outcome and time range of the audit log. */
export function AuditFiltersForm({ filters, onChange }: AuditFiltersFormProps): React.ReactElement {
  return (
    <FilterForm
      filters={filters}
      onChange={onChange}
      cleared={NO_AUDIT_FILTERS}
      label={trans.__('Filter the audit log')}
      testIdPrefix="audit-filter"
      fields={[
        { key: 'actor', label: trans.__('Actor'), type: 'search' },
        { key: 'action', label: trans.__('Action'), type: 'search', placeholder: 'adminReplaceQuotas' },
        { key: 'kind', label: trans.__('Object kind'), type: 'search', placeholder: 'job, model, quotas…' },
        { key: 'object', label: trans.__('Object name'), type: 'search' },
        {
          key: 'outcome',
          label: trans.__('Outcome'),
          type: 'select',
          options: [
            { value: 'success', label: trans.__('success') },
            { value: 'failure', label: trans.__('failure') },
            { value: 'denied', label: trans.__('denied') },
          ],
        },
        { key: 'since', label: trans.__('From'), type: 'datetime-local' },
        { key: 'until', label: trans.__('To'), type: 'datetime-local' },
      ]}
    />
  );
}
