import type { ConcurrencyPolicy } from '@turing/client';
import { JOB_LIMITS } from '@turing/client';
import { Field, errorProps } from '@turing/ui';
import React from 'react';

import type { SectionProps } from './schedule-form-section';
import { maxTimeoutMinutes } from './schedule-limits';

/** Timeout and concurrency: what bounds each run. */
export function PolicySection(props: SectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans } = props;
  const policies: Array<[ConcurrencyPolicy, string]> = [
    ['allow', trans.__('Allow overlapping runs')],
    ['forbid', trans.__('Skip a run while one is running')],
    ['replace', trans.__('Replace the running run')],
  ];
  return (
    <div className="jp-Turing-Row jp-Turing-Jobs-row" data-testid="schedule-policy">
      <Field scope={scope} field="timeout" label={trans.__('Timeout (minutes)')}>
        {(id) => (
          <input
            id={id}
            type="number"
            min={1}
            max={maxTimeoutMinutes(JOB_LIMITS)}
            step={1}
            className="jp-mod-styled"
            data-testid="schedule-timeout"
            value={form.timeoutMinutes}
            disabled={disabled}
            onChange={(e) => update((f) => ({ ...f, timeoutMinutes: e.target.value }))}
            {...errorProps(scope, 'timeout')}
          />
        )}
      </Field>
      <Field scope={scope} field="concurrency" label={trans.__('Concurrency')}>
        {(id) => (
          <select
            id={id}
            className="jp-mod-styled"
            data-testid="schedule-concurrency"
            value={form.concurrency}
            disabled={disabled}
            onChange={(e) => update((f) => ({ ...f, concurrency: e.target.value as ConcurrencyPolicy }))}
            {...errorProps(scope, 'concurrency')}
          >
            {policies.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}
