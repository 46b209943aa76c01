import React from 'react';

import { trans } from '../../app/translation';
import type { AuditFilters } from './audit-filters';
import { NO_AUDIT_FILTERS } from './audit-filters';

/** Props of {@link AuditFiltersForm}. */
export interface AuditFiltersFormProps {
  filters: AuditFilters;
  onChange: (filters: AuditFilters) => void;
}

/** Actor, action, object kind and name, outcome and time range of the audit log. */
export function AuditFiltersForm({ filters, onChange }: AuditFiltersFormProps): React.ReactElement {
  const input = (
    key: keyof AuditFilters,
    label: string,
    type: 'search' | 'datetime-local',
    hint?: string,
  ) => (
    <label className="jp-Turing-Admin-filter">
      <span>{label}</span>
      <input
        type={type}
        className="jp-mod-styled"
        value={filters[key]}
        placeholder={hint}
        spellCheck={false}
        data-testid={`audit-filter-${key}`}
        onChange={(event) => onChange({ ...filters, [key]: event.target.value })}
      />
    </label>
  );
  return (
    <form
      className="jp-Turing-Admin-filters"
      role="search"
      aria-label={trans.__('Filter the audit log')}
      onSubmit={(event) => event.preventDefault()}
    >
      {input('actor', trans.__('Actor'), 'search')}
      {input('action', trans.__('Action'), 'search', 'adminReplaceQuotas')}
      {input('kind', trans.__('Object kind'), 'search', 'job, model, quotas…')}
      {input('object', trans.__('Object name'), 'search')}
      <label className="jp-Turing-Admin-filter">
        <span>{trans.__('Outcome')}</span>
        <select
          className="jp-mod-styled"
          value={filters.outcome}
          data-testid="audit-filter-outcome"
          onChange={(event) =>
            onChange({ ...filters, outcome: event.target.value as AuditFilters['outcome'] })
          }
        >
          <option value="">{trans.__('Any')}</option>
          <option value="success">{trans.__('success')}</option>
          <option value="failure">{trans.__('failure')}</option>
          <option value="denied">{trans.__('denied')}</option>
        </select>
      </label>
      {input('since', trans.__('From'), 'datetime-local')}
      {input('until', trans.__('To'), 'datetime-local')}
      <button
        type="button"
        className="jp-mod-styled jp-Turing-Button"
        data-testid="audit-filter-clear"
        onClick={() => onChange(NO_AUDIT_FILTERS)}
      >
        {trans.__('Clear filters')}
      </button>
    </form>
  );
}
