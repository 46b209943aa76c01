import { InlineErrors } from '@turing/ui';
import React from 'react';

import type { SectionProps } from './schedule-form-section';

/** Props of {@link DependenciesSection}. */
export interface DependenciesSectionProps extends SectionProps {
  /** The names of the user's other jobs; `null` while loading. */
  jobNames: string[] | null;
}

/** The jobs this one runs after (when they succeed). */
export function DependenciesSection(props: DependenciesSectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans, jobNames } = props;
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
  );
}
