import { Field, errorProps } from '@turing/ui/lib/form-field';
import type { FieldScope } from '@turing/ui/lib/form-field';
import React from 'react';

import { trans } from '../../app/translation';
import type { CatalogGpuType } from '../../api/types';
import type { EnvironmentDraft } from './environment-draft';

/** Props of {@link EnvironmentForm}. */
export interface EnvironmentFormProps {
  draft: EnvironmentDraft;
  onChange: (draft: EnvironmentDraft) => void;
  /** A new environment: its id can be typed. */
  isNew: boolean;
  /** The catalog's GPU types, for the hint of the GPU types field. */
  gpuTypes: Record<string, CatalogGpuType>;
  scope: FieldScope;
  disabled?: boolean;
}

type TextKey = {
  [K in keyof EnvironmentDraft]: EnvironmentDraft[K] extends string ? K : never;
}[keyof EnvironmentDraft];

/**
 * Every field of a catalog entry: identity, versions, the GPU block,
 * resources, tags, default and disabled. Errors show at their field
 * (`scope.errors`, keyed by the catalog path such as `gpu.counts`).
 */
export function EnvironmentForm(props: EnvironmentFormProps): React.ReactElement {
  const { draft, onChange, isNew, gpuTypes, scope, disabled } = props;
  const set = <K extends keyof EnvironmentDraft>(key: K, value: EnvironmentDraft[K]): void =>
    onChange({ ...draft, [key]: value });

  /** What every control shares: its id, disabled state, test id and error attributes. */
  const common = (id: string, key: keyof EnvironmentDraft, field: string) => ({
    id,
    disabled,
    'data-testid': `env-field-${key}`,
    ...errorProps(scope, field),
  });

  const text = (
    key: TextKey,
    field: string,
    label: string,
    hint?: string,
    readOnly = false,
  ): React.ReactElement => (
    <Field scope={scope} field={field} label={label} hint={hint}>
      {(id) => (
        <input
          {...common(id, key, field)}
          type="text"
          className="jp-mod-styled"
          value={draft[key]}
          readOnly={readOnly}
          spellCheck={false}
          onChange={(event) => set(key, event.target.value)}
        />
      )}
    </Field>
  );

  const check = (key: 'default' | 'disabled' | 'gpuEnabled', field: string, label: string, hint?: string) => (
    <Field scope={scope} field={field} label={label} hint={hint}>
      {(id) => (
        <input
          {...common(id, key, field)}
          type="checkbox"
          className="jp-Turing-Admin-checkbox"
          checked={draft[key]}
          onChange={(event) => set(key, event.target.checked)}
        />
      )}
    </Field>
  );

  const typeIds = Object.keys(gpuTypes);
  return (
    <div className="jp-Turing-Admin-form" data-testid="environment-form">
      <fieldset className="jp-Turing-Admin-fieldset">
        <legend>{trans.__('Identity')}</legend>
        {text(
          'id',
          'id',
          trans.__('Id'),
          isNew
            ? trans.__('Lowercase letters, digits, "-" and "."; the profile slug. It cannot change later.')
            : undefined,
          !isNew,
        )}
        {text('displayName', 'displayName', trans.__('Display name'))}
        <Field scope={scope} field="description" label={trans.__('Description')}>
          {(id) => (
            <textarea
              {...common(id, 'description', 'description')}
              className="jp-mod-styled"
              rows={2}
              value={draft.description}
              onChange={(event) => set('description', event.target.value)}
            />
          )}
        </Field>
        {text(
          'image',
          'image',
          trans.__('Image'),
          trans.__('repo:tag or repo@sha256:digest; never :latest.'),
        )}
        {check(
          'default',
          'default',
          trans.__('Default'),
          trans.__('Preselected in the spawn form (at most one).'),
        )}
        {check(
          'disabled',
          'disabled',
          trans.__('Disabled'),
          trans.__(
            'Hidden from the lab, the spawn form and new jobs and models; existing jobs keep their image.',
          ),
        )}
      </fieldset>
      <fieldset className="jp-Turing-Admin-fieldset">
        <legend>{trans.__('Versions')}</legend>
        {text('python', 'versions.python', trans.__('Python'))}
        {text('cuda', 'versions.cuda', trans.__('CUDA'), trans.__('Empty for a CPU-only environment.'))}
        {text('cudnn', 'versions.cudnn', trans.__('cuDNN'))}
        <Field
          scope={scope}
          field="versions.frameworks"
          label={trans.__('Frameworks')}
          hint={trans.__('One "name = version" per line, e.g. "torch = 2.7.1".')}
        >
          {(id) => (
            <textarea
              {...common(id, 'frameworks', 'versions.frameworks')}
              className="jp-mod-styled jp-Turing-Admin-code"
              rows={3}
              value={draft.frameworks}
              spellCheck={false}
              onChange={(event) => set('frameworks', event.target.value)}
            />
          )}
        </Field>
      </fieldset>
      <fieldset className="jp-Turing-Admin-fieldset">
        <legend>{trans.__('GPU')}</legend>
        {check('gpuEnabled', 'gpu', trans.__('Uses GPUs'))}
        {draft.gpuEnabled && (
          <>
            {text('gpuVendor', 'gpu.vendor', trans.__('Vendor'))}
            {text(
              'gpuResource',
              'gpu.resource',
              trans.__('Resource'),
              trans.__('The device plugin resource.'),
            )}
            {text(
              'gpuCounts',
              'gpu.counts',
              trans.__('GPU counts'),
              trans.__('Comma-separated; the first is the default.'),
            )}
            {text(
              'gpuTypes',
              'gpu.types',
              trans.__('GPU types'),
              typeIds.length
                ? trans.__(
                    'Comma-separated; the first is the default. The catalog defines: %1.',
                    typeIds.join(', '),
                  )
                : trans.__('The catalog defines no GPU types.'),
            )}
          </>
        )}
      </fieldset>
      <fieldset className="jp-Turing-Admin-fieldset">
        <legend>{trans.__('Resources')}</legend>
        {text(
          'cpuDefault',
          'resources.cpu.default',
          trans.__('CPU request'),
          trans.__('e.g. "500m" or "2".'),
        )}
        {text('cpuMax', 'resources.cpu.max', trans.__('CPU limit'))}
        {text(
          'memoryDefault',
          'resources.memory.default',
          trans.__('Memory request'),
          trans.__('e.g. "512Mi" or "8Gi".'),
        )}
        {text('memoryMax', 'resources.memory.max', trans.__('Memory limit'))}
        {text('tags', 'tags', trans.__('Tags'), trans.__('Comma-separated lowercase tags.'))}
      </fieldset>
    </div>
  );
}
