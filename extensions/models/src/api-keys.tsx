import type { TranslationBundle } from '@jupyterlab/translation';
import { copyIcon, deleteIcon } from '@jupyterlab/ui-components';
import type { CreatedModelApiKey, IModelsClient, ModelView } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { ErrorMessage, IconButton, toShownError } from '@turing/ui';
import React, { useState } from 'react';

import { copyWithNotice, revokeWithConfirmation } from './model-actions';

/** Props of {@link ApiKeys}. */
export interface ApiKeysProps {
  models: IModelsClient;
  model: ModelView;
  /** Called after a change, to reload the model. */
  onChanged: () => void;
  trans: TranslationBundle;
}

/**
 * The model's API keys for in-cluster callers: create (the key is shown
 * once), copy it, revoke; or allow key holders to call the model at all.
 */
export function ApiKeys({ models, model, onChanged, trans }: ApiKeysProps): React.ReactElement {
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<CreatedModelApiKey | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);

  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChanged();
    } catch (e) {
      setError(toShownError(e));
    } finally {
      setBusy(false);
    }
  };

  if (!model.access.apiKeys) {
    return (
      <div className="jp-Turing-Models-keys" data-testid="model-api-keys">
        <div className="jp-Turing-Hint">{trans.__('API key holders may not call this model.')}</div>
        <button
          type="button"
          className="jp-mod-styled jp-Turing-SmallButton"
          data-testid="model-api-keys-allow"
          aria-label={trans.__('Allow API keys for %1', model.name)}
          disabled={busy}
          onClick={() =>
            void act(() => models.update(model.name, { access: { ...model.access, apiKeys: true } }))
          }
        >
          {trans.__('Allow API keys')}
        </button>
        {error && <ErrorMessage error={error} trans={trans} />}
      </div>
    );
  }
  return (
    <div className="jp-Turing-Models-keys" data-testid="model-api-keys">
      {model.apiKeys.length === 0 && <div className="jp-Turing-Hint">{trans.__('No keys yet.')}</div>}
      <ul className="jp-Turing-Models-keyList">
        {model.apiKeys.map((key) => (
          <li key={key.id} data-testid="model-api-key" data-key-id={key.id}>
            <span className="jp-Turing-Models-keyLabel" title={trans.__('Created %1', key.createdAt)}>
              {key.label}
            </span>
            <IconButton
              icon={deleteIcon}
              label={trans.__('Revoke key %1 of %2', key.label, model.name)}
              disabled={busy}
              onClick={() => void act(() => revokeWithConfirmation(models, model, key, trans))}
            />
          </li>
        ))}
      </ul>
      {created && (
        <div className="jp-Turing-Models-secret" role="status" data-testid="model-api-key-created">
          <div className="jp-Turing-Warning">
            {trans.__('Copy key "%1" now: it is not shown again.', created.label)}
          </div>
          <div className="jp-Turing-Models-copyable">
            <input
              className="jp-mod-styled jp-Turing-Models-code"
              readOnly
              aria-label={trans.__('API key %1', created.label)}
              data-testid="model-api-key-secret"
              value={created.key}
              onFocus={(e) => e.currentTarget.select()}
            />
            <IconButton
              icon={copyIcon}
              label={trans.__('Copy key %1', created.label)}
              onClick={() => copyWithNotice(created.key, trans.__('API key'), trans)}
            />
          </div>
          <button
            type="button"
            className="jp-mod-styled jp-Turing-SmallButton"
            onClick={() => setCreated(null)}
          >
            {trans.__('Done')}
          </button>
        </div>
      )}
      <form
        className="jp-Turing-Models-copyable"
        onSubmit={(e) => {
          e.preventDefault();
          const name = label.trim() || trans.__('key');
          void act(async () => {
            setCreated(await models.createApiKey(model.name, name));
            setLabel('');
          });
        }}
      >
        <input
          className="jp-mod-styled"
          aria-label={trans.__('Label of the new key of %1', model.name)}
          placeholder={trans.__('label, e.g. recommender')}
          data-testid="model-api-key-label"
          value={label}
          disabled={busy}
          maxLength={60}
          onChange={(e) => setLabel(e.target.value)}
        />
        <button
          type="submit"
          className="jp-mod-styled jp-Turing-SmallButton"
          data-testid="model-api-key-create"
          aria-label={trans.__('Create a key for %1', model.name)}
          disabled={busy}
        >
          {trans.__('Create key')}
        </button>
      </form>
      {error && <ErrorMessage error={error} trans={trans} testId="model-api-keys-error" />}
    </div>
  );
}
