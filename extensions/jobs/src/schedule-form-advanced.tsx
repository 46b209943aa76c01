import { JOB_LIMITS } from '@turing/client';
import { Field, InlineErrors, errorProps } from '@turing/ui';
import React from 'react';

import { AlertsSection } from './schedule-form-alerts';
import { DependenciesSection } from './schedule-form-dependencies';
import { ModelOutputSection } from './schedule-form-model-output';
import type { SectionProps } from './schedule-form-section';

/** Props of {@link AdvancedSection}. */
export interface AdvancedSectionProps extends SectionProps {
  /** The names of the user's other jobs; `null` while loading. */
  jobNames: string[] | null;
  /** Whether the disclosure is open (the dialog opens it for an error inside). */
  open: boolean;
  onToggle: (open: boolean) => void;
}

/** Retries, dependencies, alerts, outputs and model output, folded under "Advanced". */
export function AdvancedSection(props: AdvancedSectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans, jobNames, open, onToggle } = props;
  return (
    <details
      className="jp-Turing-Jobs-advanced"
      data-testid="schedule-advanced"
      open={open}
      onToggle={(e) => onToggle(e.currentTarget.open)}
    >
      <summary data-testid="schedule-advanced-toggle">
        {trans.__('Advanced')}
        <span className="jp-Turing-Jobs-advancedTopics">
          {trans.__('retries, dependencies, alerts, outputs, model output')}
        </span>
      </summary>
      <div className="jp-Turing-Jobs-advancedBody">
        <div className="jp-Turing-Row jp-Turing-Jobs-row">
          <Field scope={scope} field="retries" label={trans.__('Retries')}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={0}
                max={JOB_LIMITS.retriesMax}
                step={1}
                className="jp-mod-styled"
                data-testid="schedule-retries"
                value={form.retries}
                disabled={disabled}
                onChange={(e) => update((f) => ({ ...f, retries: e.target.value }))}
                {...errorProps(scope, 'retries')}
              />
            )}
          </Field>
        </div>
        <DependenciesSection {...props} jobNames={jobNames} />
        <AlertsSection {...props} />
        <InlineErrors scope={scope} field="alerts" />
        <ModelOutputSection {...props} />
      </div>
    </details>
  );
}
