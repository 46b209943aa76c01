import type { TranslationBundle } from '@jupyterlab/translation';
import { launchIcon, refreshIcon } from '@jupyterlab/ui-components';
import type { IModelsClient, ModelView } from '@turing/client';
import { ErrorMessage, IconButton, SearchBox, announce, usePolling } from '@turing/ui';
import React, { useEffect, useRef, useState } from 'react';

import { ModelCard } from './model-card';
import { filterModels } from './model-rows';
import type { PhaseSnapshot } from './phase-announcements';
import { phaseChanges, snapshotOf } from './phase-announcements';
import type { PanelSettings } from './settings';
import { useModelDelete } from './use-model-delete';

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
  /** Opens the main-area models view: the table, or `model`'s detail page. */
  openInMainArea: (model?: string) => void;
  trans: TranslationBundle;
}

/** The models panel: every model as a card, one opened at a time; refreshed while shown. */
export function ModelsView(props: ModelsViewProps): React.ReactElement {
  const { models, homeOwner, origin, settings, request, refreshes, isVisible, openInMainArea, trans } = props;
  const [opened, setOpened] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const seen = useRef<PhaseSnapshot | null>(null);

  const list = usePolling(
    'models',
    () => models.list(),
    () => settings.listRefreshSeconds * 1000,
    () => !isVisible(),
  );
  const { busy, actionError, remove } = useModelDelete(models, trans, () => list.reload());
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

  useEffect(() => {
    // Announced here only while the panel is shown; the main-area view announces its own.
    if (list.data && isVisible()) {
      phaseChanges(seen.current, list.data.items, trans).forEach((message) => announce(message));
    }
    if (list.data) {
      seen.current = snapshotOf(list.data.items);
    }
  }, [list.data]);

  const onDelete = (model: ModelView): void => remove(model, () => opened === model.name && setOpened(null));

  const items = list.data?.items ?? [];
  const shown = filterModels(items, { query }, catalog.data?.items ?? null, trans);
  return (
    <div className="jp-Turing-Panel">
      <div className="jp-Turing-Panel-header">
        <h2 className="jp-Turing-Panel-title jp-Turing-Models-panelTitle">{trans.__('Models')}</h2>
        <span className="jp-Turing-Models-headerButtons">
          <IconButton
            icon={launchIcon}
            label={trans.__('Open the models view in the main area')}
            onClick={() => openInMainArea()}
          />
          <IconButton icon={refreshIcon} label={trans.__('Refresh models')} onClick={() => list.reload()} />
        </span>
      </div>
      {items.length > 0 && (
        <SearchBox
          value={query}
          onChange={setQuery}
          label={trans.__('Filter models')}
          placeholder={trans.__('Filter by name, runtime or state')}
          testId="models-filter"
        />
      )}
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
      {items.length > 0 && shown.length === 0 && (
        <div className="jp-Turing-Hint" data-testid="models-no-match">
          {trans.__('No model matches the filter.')}
        </div>
      )}
      {shown.length > 0 && (
        <ul className="jp-Turing-CardList" aria-label={trans.__('Models')} data-testid="models-list">
          {shown.map((model) => (
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
              onOpenInMainArea={() => openInMainArea(model.name)}
              trans={trans}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
