import { addIcon, closeIcon } from '@jupyterlab/ui-components';
import { IconButton, InlineErrors, TextButton, errorProps } from '@turing/ui';
import React from 'react';

import type { ParameterRow, ParameterType } from './parameters';
import { PARAMETER_TYPES, convertRow } from './parameters';
import type { SectionProps } from './schedule-form-section';

/** Props of {@link ParametersSection}. */
export interface ParametersSectionProps extends SectionProps {
  /** Whether the notebook has a cell tagged `parameters` (`undefined` when editing a job). */
  hasParametersCell: boolean | undefined;
}

/** The parameter rows: name, type and value, with inline errors per row. */
export function ParametersSection(props: ParametersSectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans, hasParametersCell } = props;
  const setRow = (index: number, change: (row: ParameterRow) => ParameterRow) =>
    update((f) => ({ ...f, parameters: f.parameters.map((r, i) => (i === index ? change(r) : r)) }));
  const typeLabel = (type: ParameterType): string =>
    ({
      string: trans.__('string'),
      integer: trans.__('integer'),
      number: trans.__('number'),
      boolean: trans.__('boolean'),
      json: trans.__('JSON'),
    })[type];
  return (
    <fieldset className="jp-Turing-Section" data-testid="schedule-parameters">
      <legend>{trans.__('Parameters')}</legend>
      {hasParametersCell === false && form.parameters.length === 0 && (
        <div className="jp-Turing-Hint">
          {trans.__('The notebook has no cell tagged "parameters"; values you add are injected at the top.')}
        </div>
      )}
      {form.parameters.map((row, index) => {
        const label = row.name || String(index + 1);
        const field = `parameter:${index}`;
        return (
          <div key={index} className="jp-Turing-Jobs-parameter" data-testid={`schedule-parameter-${index}`}>
            <div className="jp-Turing-Jobs-parameterInputs">
              <input
                className="jp-mod-styled jp-Turing-Jobs-parameterName"
                aria-label={trans.__('Name of parameter %1', index + 1)}
                value={row.name}
                disabled={disabled}
                spellCheck={false}
                onChange={(e) => setRow(index, (r) => ({ ...r, name: e.target.value }))}
              />
              <select
                className="jp-mod-styled"
                aria-label={trans.__('Type of %1', label)}
                value={row.untyped ? '' : row.type}
                disabled={disabled}
                onChange={(e) => setRow(index, (r) => convertRow(r, e.target.value as ParameterType))}
                {...(row.untyped ? errorProps(scope, field) : {})}
              >
                {row.untyped && (
                  <option value="" disabled>
                    {trans.__('unknown')}
                  </option>
                )}
                {PARAMETER_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {typeLabel(type)}
                  </option>
                ))}
              </select>
              <input
                className="jp-mod-styled jp-Turing-Jobs-parameterValue"
                aria-label={trans.__('Value of %1', label)}
                value={row.text}
                disabled={disabled}
                spellCheck={false}
                onChange={(e) => setRow(index, (r) => ({ ...r, text: e.target.value }))}
                {...errorProps(scope, field)}
              />
              <IconButton
                icon={closeIcon}
                label={trans.__('Remove parameter %1', label)}
                disabled={disabled}
                onClick={() =>
                  update((f) => ({ ...f, parameters: f.parameters.filter((_, i) => i !== index) }))
                }
              />
            </div>
            <InlineErrors scope={scope} field={field} />
          </div>
        );
      })}
      <TextButton
        icon={addIcon}
        label={trans.__('Add parameter')}
        disabled={disabled}
        onClick={() =>
          update((f) => ({ ...f, parameters: [...f.parameters, { name: '', type: 'string', text: '' }] }))
        }
      />
      <InlineErrors scope={scope} field="parameters" />
    </fieldset>
  );
}
