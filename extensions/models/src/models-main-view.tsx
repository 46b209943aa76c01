import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import type { IModelsClient, Me, ModelView } from '@turing/client';
import { ErrorMessage, IconButton, announce, usePolling } from '@turing/ui';
import React, { useEffect, useRef, useState } from 'react';

import { ModelDetail } from './model-detail';
import { ModelsTable } from './models-table';
import type { PhaseSnapshot } from './phase-announcements';
import { phaseChanges, snapshotOf } from './phase-announcements';
import type { MainAreaSettings } from './settings';
import { useModelDelete } from './use-model-delete';
import { useStatsSummaries } from './use-stats-summaries';

/** Which page the view shows: the table (of one owner, when set) or a model's detail. */
export interface ModelsRoute {
  model?: string;
  user?: string;
  /** Bumped by every request, so asking for the same page again reloads it. */
  serial: number;
}

/** Props of {@link ModelsMainView}. */
export interface ModelsMainViewProps {
  models: IModelsClient;
  /** Who the caller is: admins see the owner column. */
  whoAmI: () => Promise<Me>;
  homeOwner: string;
  origin: string;
  settings: MainAreaSettings;
  route: ModelsRoute;
  navigate: (route: Omit<ModelsRoute, 'serial'>) => void;
  /** Bumped to reload (e.g. when the view is shown again). */
  refreshes: number;
  isVisible: () => boolean;
  trans: TranslationBundle;
}

/**
 * The main-area Turing Models view: the models table, or one model's detail
 * page; refreshed while shown; phase and ready-replica changes are announced.
 */
export function ModelsMainView(props: ModelsMainViewProps): React.ReactElement {
  const { models, homeOwner, origin, settings, route, navigate, refreshes, isVisible, trans } = props;
  const [query, setQuery] = useState('');
  const seen = useRef<PhaseSnapshot | null>(null);
  const paused = () => !isVisible();

  const list = usePolling(
    'models',
    () => models.list(),
    () => settings.listRefreshSeconds * 1000,
    paused,
  );
  const { busy, actionError, remove } = useModelDelete(models, trans, () => list.reload());
  const catalog = usePolling(
    'runtimes',
    () => models.runtimes(),
    () => null,
  );
  const me = usePolling('me', props.whoAmI, () => null);
  const items = list.data?.items ?? [];
  const names = route.model ? [] : items.map((m) => m.name).sort();
  const stats = useStatsSummaries(models, names, settings.statsRefreshSeconds * 1000, paused);

  useEffect(() => {
    if (refreshes > 0 || route.serial > 0) {
      list.reload();
    }
  }, [refreshes, route.serial]);

  useEffect(() => {
    if (!list.data) {
      return;
    }
    for (const message of phaseChanges(seen.current, list.data.items, trans)) {
      announce(message);
    }
    seen.current = snapshotOf(list.data.items);
  }, [list.data]);

  const onDelete = (model: ModelView): void =>
    remove(model, () => navigate({ ...(route.user ? { user: route.user } : {}) }));

  const showOwner = me.data?.admin === true || items.some((m) => m.owner !== homeOwner);
  const opened = route.model ? items.find((m) => m.name === route.model) : undefined;
  return (
    <div className="jp-Turing-Models-main" data-testid="models-view">
      <div className="jp-Turing-View-row jp-Turing-Models-mainHeader">
        <h1 className="jp-Turing-View-title jp-Turing-Models-mainTitle">{trans.__('Turing Models')}</h1>
        <IconButton icon={refreshIcon} label={trans.__('Refresh models')} onClick={() => list.reload()} />
      </div>
      {actionError && <ErrorMessage error={actionError} trans={trans} testId="models-action-error" />}
      {list.error && <ErrorMessage error={list.error} trans={trans} testId="models-load-error" />}
      {!list.data && !list.error && <div className="jp-Turing-Hint">{trans.__('Loading models…')}</div>}
      {list.data && route.model && !opened && (
        <div className="jp-Turing-Models-missing" data-testid="models-view-missing">
          <div className="jp-Turing-Hint">{trans.__('There is no model "%1" (any more).', route.model)}</div>
          <button
            type="button"
            className="jp-mod-styled jp-Turing-SmallButton"
            onClick={() => navigate({ ...(route.user ? { user: route.user } : {}) })}
          >
            {trans.__('All models')}
          </button>
        </div>
      )}
      {list.data && opened && (
        <ModelDetail
          key={opened.name}
          models={models}
          model={opened}
          catalog={catalog.data?.items ?? null}
          homeOwner={homeOwner}
          origin={origin}
          settings={settings}
          isVisible={isVisible}
          busy={busy === opened.name}
          onBack={() => navigate({ ...(route.user ? { user: route.user } : {}) })}
          onChanged={() => list.reload()}
          onDelete={() => onDelete(opened)}
          trans={trans}
        />
      )}
      {list.data && !route.model && (
        <ModelsTable
          models={items}
          catalog={catalog.data?.items ?? null}
          stats={stats}
          showOwner={showOwner}
          query={query}
          onQuery={setQuery}
          {...(route.user ? { owner: route.user } : {})}
          onClearOwner={() => navigate({})}
          onOpen={(model) => navigate({ model, ...(route.user ? { user: route.user } : {}) })}
          pageSize={settings.pageSize}
          trans={trans}
        />
      )}
    </div>
  );
}
