import { Field, errorProps } from '@turing/ui';
import React from 'react';

import type { ModelOutputForm } from './model-output-form';
import { MODEL_OUTPUT_FIELDS } from './model-output-form';
import type { SectionProps } from './schedule-form-section';

/** Model output: publish the files a successful run writes as the next version of a model. */
export function ModelOutputSection(props: SectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans } = props;
  const output = form.modelOutput;
  const set = (change: Partial<ModelOutputForm>) =>
    update((f) => ({ ...f, modelOutput: { ...f.modelOutput, ...change } }));
  return (
    <fieldset className="jp-Turing-Section" data-testid="schedule-model-output">
      <legend>{trans.__('Model output')}</legend>
      <label className="jp-Turing-Choice">
        <input
          type="checkbox"
          data-testid="schedule-model-output-enabled"
          checked={output.enabled}
          disabled={disabled}
          onChange={(e) => set({ enabled: e.target.checked })}
        />
        {trans.__('Publish a model version after each successful run')}
      </label>
      {output.enabled && (
        <>
          <div className="jp-Turing-Hint">
            {trans.__(
              'The files at the path become the next version of the model. Failed and cancelled runs publish nothing.',
            )}
          </div>
          <div className="jp-Turing-Row jp-Turing-Jobs-row">
            <Field scope={scope} field={MODEL_OUTPUT_FIELDS.model} label={trans.__('Model name')}>
              {(id) => (
                <input
                  id={id}
                  className="jp-mod-styled"
                  data-testid="schedule-model-output-model"
                  value={output.model}
                  placeholder="ctr-model"
                  disabled={disabled}
                  spellCheck={false}
                  autoComplete="off"
                  maxLength={60}
                  onChange={(e) => set({ model: e.target.value })}
                  {...errorProps(scope, MODEL_OUTPUT_FIELDS.model)}
                />
              )}
            </Field>
            <Field
              scope={scope}
              field={MODEL_OUTPUT_FIELDS.path}
              label={trans.__('Path')}
              hint={trans.__('A file or folder the notebook writes, relative to its working directory.')}
            >
              {(id) => (
                <input
                  id={id}
                  className="jp-mod-styled"
                  data-testid="schedule-model-output-path"
                  value={output.path}
                  placeholder="model/"
                  disabled={disabled}
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(e) => set({ path: e.target.value })}
                  {...errorProps(scope, MODEL_OUTPUT_FIELDS.path)}
                />
              )}
            </Field>
          </div>
          <div className="jp-Turing-Row jp-Turing-Jobs-row">
            <Field scope={scope} field="modelOutputRollout" label={trans.__('Rollout')}>
              {(id) => (
                <select
                  id={id}
                  className="jp-mod-styled"
                  data-testid="schedule-model-output-rollout"
                  value={output.rollout}
                  disabled={disabled}
                  onChange={(e) => set({ rollout: e.target.value === 'replace' ? 'replace' : 'canary' })}
                >
                  <option value="canary">{trans.__('New canary')}</option>
                  <option value="replace">{trans.__('Replace the serving version')}</option>
                </select>
              )}
            </Field>
            {output.rollout === 'canary' && (
              <Field scope={scope} field={MODEL_OUTPUT_FIELDS.percent} label={trans.__('Canary traffic (%)')}>
                {(id) => (
                  <input
                    id={id}
                    type="number"
                    min={1}
                    max={99}
                    step={1}
                    className="jp-mod-styled"
                    data-testid="schedule-model-output-percent"
                    value={output.percent}
                    disabled={disabled}
                    onChange={(e) => set({ percent: e.target.value })}
                    {...errorProps(scope, MODEL_OUTPUT_FIELDS.percent)}
                  />
                )}
              </Field>
            )}
          </div>
        </>
      )}
    </fieldset>
  );
}
