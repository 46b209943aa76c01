import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import type { IModelsClient, ModelView } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { ErrorMessage, IconButton, toShownError, usePolling } from '@turing/ui';
import React, { useEffect, useState } from 'react';

import { deleteWithConfirmation } from './model-actions';
import { ModelCard } from './model-card';
import type { PanelSettings } from './settings';

/** A request to show a model, e.g. from `turing:open-models` after publishing. */
export interface RevealRequest {
  model?: string;
  serial: number;
}

/** Props of {@link ModelsView}. */
export interface ModelsViewProps {
  models: IModelsClient;
  /** Whose home this server is. */
  homeOwner: string;
  /** The hub's origin, for the absolute URLs of the examples. */
  origin: string;
  settings: PanelSettings;
  request: RevealRequest;
  /** Bumped to reload (e.g. when the panel is shown again). */
  refreshes: number;
  /** Whether the panel is shown (polling pauses while it is not). */
  isVisible: () => boolean;
  trans: TranslationBundle;
}

/** The models panel: every model as a card, one opened at a time; refreshed while shown. */
export function ModelsView(props: ModelsViewProps): React.ReactElement {
  const { models, homeOwner, origin, settings, request, refreshes, isVisible, trans } = props;
  const [opened, setOpened] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ShownError | null>(null);

  const list = usePolling(
    'models',
    () => models.list(),
    () => settings.listRefreshSeconds * 1000,
    () => !isVisible(),
  );
  // The catalog only names runtimes; it is read once.
  const catalog = usePolling(
    'runtimes',
    () => models.runtimes(),
    () => null,
  );

  useEffect(() => {
    if (refreshes > 0) {
      list.reload();
    }
  }, [refreshes]);

  useEffect(() => {
    if (request.serial === 0) {
      return;
    }
    if (request.model) {
      setOpened(request.model);
    }
    list.reload();
  }, [request]);

  const onDelete = (model: ModelView): void => {
    setBusy(model.name);
    setActionError(null);
    deleteWithConfirmation(models, model, trans)
      .then((deleted) => deleted && opened === model.name && setOpened(null))
      .catch((error: unknown) => setActionError(toShownError(error)))
      .finally(() => {
        setBusy(null);
        list.reload();
      });
  };

  const items = list.data?.items ?? [];
  return (
    <div className="jp-Turing-Panel">
      <div className="jp-Turing-Panel-header">
        <span className="jp-Turing-Panel-title">{trans.__('Models')}</span>
        <IconButton icon={refreshIcon} label={trans.__('Refresh models')} onClick={() => list.reload()} />
      </div>
      {actionError && <ErrorMessage error={actionError} trans={trans} testId="models-action-error" />}
      {list.error && <ErrorMessage error={list.error} trans={trans} testId="models-load-error" />}
      {!list.data && !list.error && <div className="jp-Turing-Hint">{trans.__('Loading models…')}</div>}
      {list.data && items.length === 0 && (
        <div className="jp-Turing-Hint" data-testid="models-empty">
          {trans.__(
            'No models yet. Right-click a model file (.json, .ubj, .bst, .joblib, .pkl) or a SavedModel folder in the file browser and choose Publish Model.',
          )}
        </div>
      )}
      {items.length > 0 && (
        <ul className="jp-Turing-CardList" aria-label={trans.__('Models')} data-testid="models-list">
          {items.map((model) => (
            <ModelCard
              key={`${model.owner}/${model.name}`}
              models={models}
              model={model}
              catalog={catalog.data?.items ?? null}
              open={opened === model.name}
              homeOwner={homeOwner}
              origin={origin}
              settings={settings}
              isVisible={isVisible}
              busy={busy === model.name}
              onToggle={() => setOpened((current) => (current === model.name ? null : model.name))}
              onChanged={() => list.reload()}
              onDelete={() => onDelete(model)}
              trans={trans}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
