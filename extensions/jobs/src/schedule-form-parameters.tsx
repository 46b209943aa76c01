import { addIcon, closeIcon } from '@jupyterlab/ui-components';
import type { FieldScope } from '@turing/ui';
import { IconButton, InlineErrors, TextButton, errorProps } from '@turing/ui';
import React from 'react';

import type { ParameterRow, ParameterType, Translate } from './parameters';
import { PARAMETER_TYPES, convertRow, isKeptRow, setOverride } from './parameters';
import type { SectionProps } from './schedule-form-section';

/** Props of {@link ParametersSection}. */
export interface ParametersSectionProps extends SectionProps {
  /** Whether the notebook has a cell tagged `parameters` (`undefined` when editing a job). */
  hasParametersCell: boolean | undefined;
}

function typeLabel(type: ParameterType, trans: Translate): string {
  return {
    string: trans.__('string'),
    integer: trans.__('integer'),
    number: trans.__('number'),
    boolean: trans.__('boolean'),
    json: trans.__('JSON'),
  }[type];
}

/** The type select and the value input of an editable row. */
function TypedInputs(props: {
  row: ParameterRow;
  label: string;
  field: string;
  scope: FieldScope;
  disabled: boolean;
  trans: Translate;
  setRow: (change: (row: ParameterRow) => ParameterRow) => void;
}): React.ReactElement {
  const { row, label, field, scope, disabled, trans, setRow } = props;
  return (
    <>
      <select
        className="jp-mod-styled"
        aria-label={trans.__('Type of %1', label)}
        value={row.type}
        disabled={disabled}
        onChange={(e) => setRow((r) => convertRow(r, e.target.value as ParameterType))}
      >
        {PARAMETER_TYPES.map((type) => (
          <option key={type} value={type}>
            {typeLabel(type, trans)}
          </option>
        ))}
      </select>
      <input
        className="jp-mod-styled jp-Turing-Jobs-parameterValue"
        aria-label={trans.__('Value of %1', label)}
        value={row.text}
        placeholder={row.expression}
        disabled={disabled}
        spellCheck={false}
        onChange={(e) => setRow((r) => ({ ...r, text: e.target.value }))}
        {...errorProps(scope, field)}
      />
    </>
  );
}

/**
 * The parameter rows: name, type and value, with inline errors per row. A
 * value the notebook computes (`datetime.date(2026, 1, 1)`) is shown
 * read-only, "kept from the notebook", until the user turns Override on.
 */
export function ParametersSection(props: ParametersSectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans, hasParametersCell } = props;
  const setRow = (index: number) => (change: (row: ParameterRow) => ParameterRow) =>
    update((f) => ({ ...f, parameters: f.parameters.map((r, i) => (i === index ? change(r) : r)) }));
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
        const typed = { row, label, field, scope, disabled, trans, setRow: setRow(index) };
        if (row.expression !== undefined) {
          const expressionId = `${scope.idPrefix}-parameter-${index}-expression`;
          return (
            <div
              key={index}
              className="jp-Turing-Jobs-parameter jp-Turing-Jobs-parameterFromNotebook"
              data-testid={`schedule-parameter-${index}`}
            >
              <div className="jp-Turing-Jobs-parameterInputs">
                <span className="jp-Turing-Jobs-parameterName jp-Turing-Jobs-parameterFixedName">
                  {row.name}
                </span>
                {isKeptRow(row) ? (
                  <span
                    className="jp-Turing-Jobs-parameterKept"
                    data-testid={`schedule-parameter-kept-${index}`}
                  >
                    <code id={expressionId} className="jp-Turing-Jobs-parameterExpression">
                      {row.expression}
                    </code>
                    <span className="jp-Turing-Hint">{trans.__('kept from the notebook')}</span>
                  </span>
                ) : (
                  <TypedInputs {...typed} />
                )}
                <label className="jp-Turing-Choice jp-Turing-Jobs-override">
                  <input
                    type="checkbox"
                    aria-label={trans.__('Override %1', label)}
                    aria-describedby={isKeptRow(row) ? expressionId : undefined}
                    data-testid={`schedule-parameter-override-${index}`}
                    checked={row.override === true}
                    disabled={disabled}
                    onChange={(e) => setRow(index)((r) => setOverride(r, e.target.checked))}
                  />
                  {trans.__('Override')}
                </label>
              </div>
              <InlineErrors scope={scope} field={field} />
            </div>
          );
        }
        return (
          <div key={index} className="jp-Turing-Jobs-parameter" data-testid={`schedule-parameter-${index}`}>
            <div className="jp-Turing-Jobs-parameterInputs">
              <input
                className="jp-mod-styled jp-Turing-Jobs-parameterName"
                aria-label={trans.__('Name of parameter %1', index + 1)}
                value={row.name}
                disabled={disabled}
                spellCheck={false}
                onChange={(e) => setRow(index)((r) => ({ ...r, name: e.target.value }))}
              />
              <TypedInputs {...typed} />
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
