import type { ConcurrencyPolicy } from '@turing/client';
import { Field, InlineErrors, errorProps } from '@turing/ui';
import React from 'react';

import type { SectionProps } from './schedule-form-section';

/** Props of {@link PolicySection}. */
export interface PolicySectionProps extends SectionProps {
  /** The names of the user's other jobs; `null` while loading. */
  jobNames: string[] | null;
}

/** Retries, timeout, concurrency and dependencies. */
export function PolicySection(props: PolicySectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans, jobNames } = props;
  const policies: Array<[ConcurrencyPolicy, string]> = [
    ['allow', trans.__('Allow overlapping runs')],
    ['forbid', trans.__('Skip a run while one is running')],
    ['replace', trans.__('Replace the running run')],
  ];
  const toggleDependency = (name: string, on: boolean) =>
    update((f) => ({
      ...f,
      dependsOn: on
        ? [...f.dependsOn.filter((n) => n !== name), name]
        : f.dependsOn.filter((n) => n !== name),
    }));
  // A dependency that no longer exists stays listed so the user can remove it.
  const names = [...new Set([...(jobNames ?? []), ...form.dependsOn])].filter((n) => n !== form.name).sort();
  return (
    <fieldset className="jp-Turing-Section" data-testid="schedule-policy">
      <legend>{trans.__('Retries, timeout and dependencies')}</legend>
      <div className="jp-Turing-Row jp-Turing-Jobs-row">
        <Field scope={scope} field="retries" label={trans.__('Retries')}>
          {(id) => (
            <input
              id={id}
              type="number"
              min={0}
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
        <Field scope={scope} field="timeout" label={trans.__('Timeout (minutes)')}>
          {(id) => (
            <input
              id={id}
              type="number"
              min={1}
              className="jp-mod-styled"
              data-testid="schedule-timeout"
              value={form.timeoutMinutes}
              disabled={disabled}
              onChange={(e) => update((f) => ({ ...f, timeoutMinutes: e.target.value }))}
              {...errorProps(scope, 'timeout')}
            />
          )}
        </Field>
      </div>
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
      <fieldset className="jp-Turing-Section" data-testid="schedule-depends-on">
        <legend>{trans.__('Run after these jobs succeed')}</legend>
        {jobNames === null && <div className="jp-Turing-Hint">{trans.__('Loading your jobs…')}</div>}
        {jobNames !== null && names.length === 0 && (
          <div className="jp-Turing-Hint">{trans.__('You have no other jobs yet.')}</div>
        )}
        <div className="jp-Turing-Choices">
          {names.map((name) => (
            <label key={name} className="jp-Turing-Choice">
              <input
                type="checkbox"
                data-testid={`schedule-depends-${name}`}
                checked={form.dependsOn.includes(name)}
                disabled={disabled}
                onChange={(e) => toggleDependency(name, e.target.checked)}
              />
              {name}
            </label>
          ))}
        </div>
        <InlineErrors scope={scope} field="dependsOn" />
      </fieldset>
    </fieldset>
  );
}
