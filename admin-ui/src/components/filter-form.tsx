import React from 'react';

import { trans } from '../app/translation';
import { ActionButton } from './action-button';
import { InlineField } from './inline-field';

/** Props of {@link FilterForm}. */
export interface FilterFormProps<F extends Record<keyof F, string>> {
  filters: F;
  onChange: (filters: F) => void;
  /** The filters that show everything, set by "Clear filters". */
  cleared: F;
  /** The (translated) accessible name of the search landmark. */
  label: string;
  /** Test ids are `<prefix>-<key>` and `<prefix>-clear`, e.g. `runs-filter`. */
  testIdPrefix: string;
  /** The fields, in order. */
  fields: Array<FilterFieldSpec<F>>;
}

/** One field of a {@link FilterForm}. */
export type FilterFieldSpec<F extends Record<keyof F, string>> = {
  key: keyof F & string;
  /** The (translated) label. */
  label: string;
} & (
  | { type: 'search'; placeholder?: string }
  | { type: 'datetime-local' }
  | {
      type: 'select';
      /** The choices after "Any" (the empty value). */
      options: Array<{ value: string; label: string }>;
    }
);

/**
 * A filter row (`role="search"`): text, time and choice fields that each call
 * `onChange` with the new filters, and "Clear filters". Submitting does nothing.
 */
export function FilterForm<F extends Record<keyof F, string>>(props: FilterFormProps<F>): React.ReactElement {
  const { filters, onChange, cleared, label, testIdPrefix, fields } = props;
  const control = (spec: FilterFieldSpec<F>): React.ReactElement => {
    const common = {
      className: 'jp-mod-styled',
      value: filters[spec.key],
      'data-testid': `${testIdPrefix}-${spec.key}`,
      onChange: (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
        onChange({ ...filters, [spec.key]: event.target.value }),
    };
    if (spec.type === 'select') {
      return (
        <select {...common}>
          <option value="">{trans.__('Any')}</option>
          {spec.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      );
    }
    if (spec.type === 'search') {
      return <input type="search" placeholder={spec.placeholder} spellCheck={false} {...common} />;
    }
    return <input type="datetime-local" {...common} />;
  };
  return (
    <form
      className="jp-Turing-Admin-filters"
      role="search"
      aria-label={label}
      onSubmit={(event) => event.preventDefault()}
    >
      {fields.map((spec) => (
        <InlineField key={spec.key} label={spec.label}>
          {control(spec)}
        </InlineField>
      ))}
      <ActionButton
        label={trans.__('Clear filters')}
        testId={`${testIdPrefix}-clear`}
        onClick={() => onChange(cleared)}
      />
    </form>
  );
}
