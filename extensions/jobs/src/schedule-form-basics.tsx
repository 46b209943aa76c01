import type { Environment } from '@turing/client';
import { Field, errorProps } from '@turing/ui';
import React from 'react';

import { withEnvironment } from './schedule-form';
import type { SectionProps } from './schedule-form-section';

/** Props of {@link BasicsSection}. */
export interface BasicsSectionProps extends SectionProps {
  /** The catalog; `null` while loading. */
  environments: Environment[] | null;
  /** Editing an existing job: its name cannot change. */
  editing: boolean;
}

/** Name, environment, CPU, memory and GPUs. */
export function BasicsSection(props: BasicsSectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans, environments, editing } = props;
  const environment = environments?.find((e) => e.id === form.environment);
  const gpuCounts = environment?.gpu?.counts.length ? environment.gpu.counts : [0];
  const gpuTypes = environment?.gpu?.types ?? [];
  return (
    <section className="jp-Turing-Section" aria-label={trans.__('Job')}>
      <Field scope={scope} field="name" label={trans.__('Job name')}>
        {(id) => (
          <input
            id={id}
            className="jp-mod-styled"
            data-testid="schedule-name"
            value={form.name}
            disabled={disabled || editing}
            spellCheck={false}
            autoComplete="off"
            maxLength={60}
            onChange={(e) => update((f) => ({ ...f, name: e.target.value }))}
            {...errorProps(scope, 'name')}
          />
        )}
      </Field>
      <Field scope={scope} field="environment" label={trans.__('Environment')}>
        {(id) => (
          <select
            id={id}
            className="jp-mod-styled"
            data-testid="schedule-environment"
            value={form.environment}
            disabled={disabled || environments === null}
            onChange={(e) =>
              update((f) =>
                withEnvironment(
                  f,
                  environments?.find((env) => env.id === e.target.value),
                ),
              )
            }
            {...errorProps(scope, 'environment')}
          >
            {environments === null && <option value="">{trans.__('Loading environments…')}</option>}
            {environments !== null && !environment && (
              <option value="">{trans.__('Choose an environment')}</option>
            )}
            {environments?.map((env) => (
              <option key={env.id} value={env.id}>
                {env.displayName}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="jp-Turing-Row jp-Turing-Jobs-row">
        <Field
          scope={scope}
          field="cpu"
          label={trans.__('CPU')}
          hint={environment ? trans.__('max %1', environment.resources.cpu.max) : undefined}
        >
          {(id) => (
            <input
              id={id}
              className="jp-mod-styled"
              data-testid="schedule-cpu"
              value={form.cpu}
              disabled={disabled}
              onChange={(e) => update((f) => ({ ...f, cpu: e.target.value }))}
              {...errorProps(scope, 'cpu')}
            />
          )}
        </Field>
        <Field
          scope={scope}
          field="memory"
          label={trans.__('Memory')}
          hint={environment ? trans.__('max %1', environment.resources.memory.max) : undefined}
        >
          {(id) => (
            <input
              id={id}
              className="jp-mod-styled"
              data-testid="schedule-memory"
              value={form.memory}
              disabled={disabled}
              onChange={(e) => update((f) => ({ ...f, memory: e.target.value }))}
              {...errorProps(scope, 'memory')}
            />
          )}
        </Field>
        <Field scope={scope} field="gpus" label={trans.__('GPUs')}>
          {(id) => (
            <select
              id={id}
              className="jp-mod-styled"
              data-testid="schedule-gpus"
              value={String(form.gpus)}
              disabled={disabled || !environment?.gpu}
              onChange={(e) => update((f) => ({ ...f, gpus: Number(e.target.value) }))}
              {...errorProps(scope, 'gpus')}
            >
              {gpuCounts.map((count) => (
                <option key={count} value={String(count)}>
                  {String(count)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {gpuTypes.length > 0 && (
          <Field scope={scope} field="gpuType" label={trans.__('GPU type')}>
            {(id) => (
              <select
                id={id}
                className="jp-mod-styled"
                data-testid="schedule-gpu-type"
                value={form.gpuType}
                disabled={disabled}
                onChange={(e) => update((f) => ({ ...f, gpuType: e.target.value }))}
                {...errorProps(scope, 'gpuType')}
              >
                <option value="">{trans.__('Any')}</option>
                {gpuTypes.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.displayName}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
      </div>
    </section>
  );
}
