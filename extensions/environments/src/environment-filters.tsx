import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { CatalogFilter, KindFilter } from './catalog';
import { frameworkLabel } from './catalog';

/** Props of {@link EnvironmentFilters}. */
export interface EnvironmentFiltersProps {
  filter: CatalogFilter;
  /** Framework names to offer. */
  frameworks: string[];
  onChange: (filter: CatalogFilter) => void;
  trans: TranslationBundle;
}

/** The search box and the GPU/CPU and framework filters above the list. */
export function EnvironmentFilters({
  filter,
  frameworks,
  onChange,
  trans,
}: EnvironmentFiltersProps): React.ReactElement {
  return (
    <div className="jp-Turing-Filters">
      <input
        className="jp-Turing-Search jp-mod-styled"
        type="search"
        value={filter.query}
        placeholder={trans.__('Search environments')}
        aria-label={trans.__('Search environments')}
        onChange={(e) => onChange({ ...filter, query: e.target.value })}
      />
      <div className="jp-Turing-FilterRow">
        <select
          className="jp-mod-styled"
          value={filter.kind}
          aria-label={trans.__('Kind')}
          onChange={(e) => onChange({ ...filter, kind: e.target.value as KindFilter })}
        >
          <option value="all">{trans.__('All kinds')}</option>
          <option value="gpu">{trans.__('GPU only')}</option>
          {filter.showCpu && <option value="cpu">{trans.__('CPU only')}</option>}
        </select>
        <select
          className="jp-mod-styled"
          value={filter.framework}
          aria-label={trans.__('Framework')}
          onChange={(e) => onChange({ ...filter, framework: e.target.value })}
        >
          <option value="">{trans.__('Any framework')}</option>
          {frameworks.map((name) => (
            <option key={name} value={name}>
              {frameworkLabel(name)}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
