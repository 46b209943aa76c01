import { ErrorMessage, toShownError } from '@turing/ui/lib/error-message';
import type { ShownError } from '@turing/ui/lib/error-message';
import { announce } from '@turing/ui/lib/live-region';
import React, { useState } from 'react';

import { useApi } from '../../api/api-context';
import type { AdminModel } from '../../api/types';
import { trans } from '../../app/translation';
import { ActionButton } from '../../components/action-button';
import { useConfirm } from '../../components/confirm-dialog';
import { InlineField } from '../../components/inline-field';
import { TableHead } from '../../components/table-head';
import { TimeCell } from '../../components/time-cell';
import { parseReplicas } from './model-view';

function replicasInput(
  label: string,
  value: string,
  onChange: (value: string) => void,
  testId: string,
): React.ReactElement {
  return (
    <InlineField label={label}>
      <input
        type="number"
        min={0}
        className="jp-mod-styled jp-Turing-Admin-number"
        value={value}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
      />
    </InlineField>
  );
}

/** Props of {@link ModelDetail}. */
export interface ModelDetailProps {
  model: AdminModel;
  /** Loads the models again after an action. */
  reload: () => Promise<unknown>;
}

/** One model's admin actions: scale (min/max), disable or enable, revoke its API keys. */
export function ModelDetail({ model, reload }: ModelDetailProps): React.ReactElement {
  const api = useApi();
  const confirm = useConfirm();
  const [min, setMin] = useState(String(model.replicas.min));
  const [max, setMax] = useState(String(model.replicas.max));
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (action: () => Promise<unknown>, done: string): Promise<void> => {
    setBusy(true);
    try {
      await action();
      setError(null);
      await reload();
      announce(done);
    } catch (caught) {
      const shown = toShownError(caught);
      setError(shown);
      announce(shown.title, 'assertive');
    } finally {
      setBusy(false);
    }
  };

  const scale = async (): Promise<void> => {
    const replicas = parseReplicas(min, max);
    if ('error' in replicas) {
      setError({ title: trans.__(replicas.error), fields: [] });
      return;
    }
    await act(
      () => api.scaleModel(model.name, replicas),
      trans.__('Model %1 scaled to %2–%3 replicas.', model.name, replicas.min, replicas.max),
    );
  };

  const toggle = async (): Promise<void> => {
    if (!model.disabled) {
      const accepted = await confirm({
        title: trans.__('Disable model %1 of %2?', model.name, model.owner),
        body: trans.__('It scales to zero and its endpoints answer 503 until an admin enables it again.'),
        acceptLabel: trans.__('Disable model'),
      });
      if (!accepted) {
        return;
      }
    }
    await act(
      () => api.setModelDisabled(model.name, !model.disabled),
      model.disabled ? trans.__('Model %1 enabled.', model.name) : trans.__('Model %1 disabled.', model.name),
    );
  };

  const revoke = async (id: string, name: string): Promise<void> => {
    const accepted = await confirm({
      title: trans.__('Revoke API key %1 of model %2?', name, model.name),
      body: trans.__('Callers using it get 401 from now on. This cannot be undone.'),
      acceptLabel: trans.__('Revoke key'),
    });
    if (accepted) {
      await act(() => api.revokeApiKey(model.name, id), trans.__('API key %1 revoked.', name));
    }
  };

  const headingId = `model-detail-${model.name}`;
  return (
    <section className="jp-Turing-Admin-detail" aria-labelledby={headingId} data-testid="model-detail">
      <h2 id={headingId} className="jp-Turing-Admin-h2">
        {trans.__('Model %1 of %2', model.name, model.owner)}
      </h2>
      {error && <ErrorMessage error={error} trans={trans} testId="model-error" />}
      <form
        className="jp-Turing-Admin-toolbar"
        aria-label={trans.__('Scale model %1', model.name)}
        onSubmit={(event) => {
          event.preventDefault();
          void scale();
        }}
      >
        {replicasInput(trans.__('Minimum replicas'), min, setMin, 'model-min')}
        {replicasInput(trans.__('Maximum replicas'), max, setMax, 'model-max')}
        <ActionButton label={trans.__('Scale')} submit tone="accept" disabled={busy} testId="model-scale" />
        <ActionButton
          label={model.disabled ? trans.__('Enable model') : trans.__('Disable model')}
          tone={model.disabled ? 'plain' : 'warn'}
          disabled={busy}
          testId="model-toggle-disabled"
          onClick={() => void toggle()}
        />
      </form>
      <h3 className="jp-Turing-Admin-h3">{trans.__('API keys')}</h3>
      {model.apiKeys.length === 0 ? (
        <p className="jp-Turing-Hint">{trans.__('No API keys.')}</p>
      ) : (
        <table
          className="jp-Turing-Table"
          aria-label={trans.__('API keys of model %1', model.name)}
          data-testid="model-keys"
        >
          <TableHead columns={[trans.__('Name'), trans.__('Created'), trans.__('Last used')]} actions />
          <tbody>
            {model.apiKeys.map((key) => {
              const name = key.name ?? key.label ?? key.id;
              return (
                <tr key={key.id}>
                  <th scope="row">{name}</th>
                  <td>
                    <TimeCell iso={key.createdAt} />
                  </td>
                  <td>{key.lastUsedAt ? <TimeCell iso={key.lastUsedAt} /> : trans.__('never')}</td>
                  <td>
                    <ActionButton
                      label={trans.__('Revoke')}
                      small
                      ariaLabel={trans.__('Revoke API key %1 of model %2', name, model.name)}
                      disabled={busy}
                      testId={`model-revoke-${key.id}`}
                      onClick={() => void revoke(key.id, name)}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
