import type { TranslationBundle } from '@jupyterlab/translation';
import type { ModelView, ServingRuntime } from '@turing/client';
import type { FieldScope } from '@turing/ui';
import { Field, InlineErrors, errorProps } from '@turing/ui';
import React from 'react';

import { modelNameRules } from './model-name';
import type { AccessChoice, PublishForm, RolloutChoice } from './publish-form';
import { MAX_REPLICAS, nextVersionOf, runtimeKey, withRuntime } from './publish-form';
import { describeTraffic } from './traffic';

/** What every section of the Publish form gets. */
export interface PublishSectionProps {
  form: PublishForm;
  update: (change: (form: PublishForm) => PublishForm) => void;
  scope: FieldScope;
  disabled: boolean;
  trans: TranslationBundle;
}

/** A text input bound to one form field. */
function TextInput(
  props: PublishSectionProps & { id: string; field: PublishFieldText; testId: string; inputMode?: 'numeric' },
): React.ReactElement {
  const { form, update, scope, disabled, id, field, testId, inputMode } = props;
  return (
    <input
      id={id}
      className="jp-mod-styled"
      data-testid={testId}
      value={form[field]}
      disabled={disabled}
      spellCheck={false}
      autoComplete="off"
      inputMode={inputMode}
      onChange={(e) => {
        const value = e.target.value;
        update((f) => ({ ...f, [field]: value }));
      }}
      {...errorProps(scope, field)}
    />
  );
}

type PublishFieldText =
  | 'name'
  | 'replicasMin'
  | 'replicasMax'
  | 'cpu'
  | 'memory'
  | 'gpu'
  | 'users'
  | 'groups'
  | 'canaryPercent';

/** Name (with the rules and whether it adds a version) and serving runtime. */
export function ModelSection(
  props: PublishSectionProps & { runtimes: ServingRuntime[] | null; existing: ModelView | undefined },
): React.ReactElement {
  const { form, update, scope, disabled, trans, runtimes, existing } = props;
  const chosen = runtimes?.find((r) => runtimeKey(r) === form.runtime);
  return (
    <fieldset className="jp-Turing-Section">
      <legend>{trans.__('Model')}</legend>
      <Field
        scope={scope}
        field="name"
        label={trans.__('Name')}
        hint={
          <>
            <div>{modelNameRules(trans)}</div>
            <div data-testid="publish-existing">
              {existing
                ? trans.__(
                    '"%1" exists: this publishes its version %2.',
                    existing.name,
                    nextVersionOf(existing),
                  )
                : trans.__('A new model: this publishes its version 1.')}
            </div>
          </>
        }
      >
        {(id) => <TextInput {...props} id={id} field="name" testId="publish-name" />}
      </Field>
      <Field scope={scope} field="runtime" label={trans.__('Serving runtime')}>
        {(id) => (
          <select
            id={id}
            className="jp-mod-styled"
            data-testid="publish-runtime"
            value={chosen ? form.runtime : ''}
            disabled={disabled || runtimes === null || runtimes.length === 0}
            onChange={(e) => {
              const picked = runtimes?.find((r) => runtimeKey(r) === e.target.value);
              update((f) => withRuntime(f, picked));
            }}
            {...errorProps(scope, 'runtime')}
          >
            {runtimes === null && <option value="">{trans.__('Loading runtimes…')}</option>}
            {runtimes !== null && !chosen && <option value="">{trans.__('Choose a runtime')}</option>}
            {runtimes?.map((r) => (
              <option key={runtimeKey(r)} value={runtimeKey(r)}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
    </fieldset>
  );
}

/** Replicas and the resources of each replica. */
export function ScaleSection(props: PublishSectionProps & { gpuRuntime: boolean }): React.ReactElement {
  const { scope, trans, gpuRuntime, disabled } = props;
  return (
    <fieldset className="jp-Turing-Section">
      <legend>{trans.__('Replicas and resources')}</legend>
      <div className="jp-Turing-Row jp-Turing-Models-row">
        <Field scope={scope} field="replicasMin" label={trans.__('Min replicas')}>
          {(id) => (
            <TextInput
              {...props}
              id={id}
              field="replicasMin"
              testId="publish-replicas-min"
              inputMode="numeric"
            />
          )}
        </Field>
        <Field
          scope={scope}
          field="replicasMax"
          label={trans.__('Max replicas')}
          hint={trans.__('up to %1', MAX_REPLICAS)}
        >
          {(id) => (
            <TextInput
              {...props}
              id={id}
              field="replicasMax"
              testId="publish-replicas-max"
              inputMode="numeric"
            />
          )}
        </Field>
      </div>
      <div className="jp-Turing-Row jp-Turing-Models-row">
        <Field
          scope={scope}
          field="cpu"
          label={trans.__('CPU')}
          hint={trans.__('per replica, e.g. 1 or 500m')}
        >
          {(id) => <TextInput {...props} id={id} field="cpu" testId="publish-cpu" />}
        </Field>
        <Field
          scope={scope}
          field="memory"
          label={trans.__('Memory')}
          hint={trans.__('per replica, e.g. 1Gi')}
        >
          {(id) => <TextInput {...props} id={id} field="memory" testId="publish-memory" />}
        </Field>
        <Field
          scope={scope}
          field="gpu"
          label={trans.__('GPUs')}
          hint={gpuRuntime ? trans.__('per replica') : trans.__('choose a GPU runtime for GPUs')}
        >
          {(id) => (
            <TextInput
              {...props}
              disabled={disabled || !gpuRuntime}
              id={id}
              field="gpu"
              testId="publish-gpu"
              inputMode="numeric"
            />
          )}
        </Field>
      </div>
    </fieldset>
  );
}

/** A radio button of a choice held in the form. */
function Radio<K extends 'access' | 'rollout'>(props: {
  form: PublishForm;
  update: PublishSectionProps['update'];
  disabled: boolean;
  name: string;
  field: K;
  value: PublishForm[K];
  label: string;
  testId: string;
}): React.ReactElement {
  const { form, update, disabled, name, field, value, label, testId } = props;
  return (
    <label className="jp-Turing-Choice">
      <input
        type="radio"
        name={name}
        data-testid={testId}
        checked={form[field] === value}
        disabled={disabled}
        onChange={() => update((f) => ({ ...f, [field]: value }))}
      />
      {label}
    </label>
  );
}

/** Who may call the model: only me, or named users and groups; and API key holders. */
export function AccessSection(props: PublishSectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans } = props;
  const radio = (value: AccessChoice, label: string, testId: string) => (
    <Radio
      form={form}
      update={update}
      disabled={disabled}
      name={`${scope.idPrefix}-access`}
      field="access"
      value={value}
      label={label}
      testId={testId}
    />
  );
  return (
    <fieldset className="jp-Turing-Section" data-testid="publish-access">
      <legend>{trans.__('Who may call it')}</legend>
      <div className="jp-Turing-Choices" role="radiogroup" aria-label={trans.__('Who may call it')}>
        {radio('owner', trans.__('Only me'), 'publish-access-owner')}
        {radio('named', trans.__('Me and named users or groups'), 'publish-access-named')}
      </div>
      {form.access === 'named' && (
        <div className="jp-Turing-Row jp-Turing-Models-row">
          <Field
            scope={scope}
            field="users"
            label={trans.__('Users')}
            hint={trans.__('hub user names, comma-separated')}
          >
            {(id) => <TextInput {...props} id={id} field="users" testId="publish-users" />}
          </Field>
          <Field
            scope={scope}
            field="groups"
            label={trans.__('Groups')}
            hint={trans.__('hub group names, comma-separated')}
          >
            {(id) => <TextInput {...props} id={id} field="groups" testId="publish-groups" />}
          </Field>
        </div>
      )}
      <label className="jp-Turing-Choice">
        <input
          type="checkbox"
          data-testid="publish-api-keys"
          checked={form.apiKeys}
          disabled={disabled}
          onChange={(e) => {
            const checked = e.target.checked;
            update((f) => ({ ...f, apiKeys: checked }));
          }}
        />
        {trans.__('Also API key holders (in-cluster callers; create keys in the Models panel)')}
      </label>
    </fieldset>
  );
}

/** For a model already serving: the new version as a canary at N %, replacing, or not serving yet. */
export function RolloutSection(props: PublishSectionProps & { existing: ModelView }): React.ReactElement {
  const { form, update, scope, disabled, trans, existing } = props;
  const radio = (value: RolloutChoice, label: string, testId: string) => (
    <Radio
      form={form}
      update={update}
      disabled={disabled}
      name={`${scope.idPrefix}-rollout`}
      field="rollout"
      value={value}
      label={label}
      testId={testId}
    />
  );
  const next = nextVersionOf(existing);
  return (
    <fieldset className="jp-Turing-Section" data-testid="publish-rollout">
      <legend>{trans.__('Rollout of version %1', next)}</legend>
      <div className="jp-Turing-Hint">
        {trans.__('Serving now: %1', describeTraffic(existing.traffic, trans))}
      </div>
      <div className="jp-Turing-Choices" role="radiogroup" aria-label={trans.__('Rollout')}>
        {radio('canary', trans.__('Canary'), 'publish-rollout-canary')}
        {radio('replace', trans.__('Replace (all traffic once ready)'), 'publish-rollout-replace')}
        {radio('none', trans.__('Upload only'), 'publish-rollout-none')}
      </div>
      {form.rollout === 'canary' && (
        <Field scope={scope} field="canaryPercent" label={trans.__('Canary traffic (%)')}>
          {(id) => (
            <TextInput
              {...props}
              id={id}
              field="canaryPercent"
              testId="publish-canary-percent"
              inputMode="numeric"
            />
          )}
        </Field>
      )}
      <InlineErrors scope={scope} field="rollout" />
    </fieldset>
  );
}
