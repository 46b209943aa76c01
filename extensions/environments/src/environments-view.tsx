import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient } from '@turing/client';
import { ErrorMessage, IconButton, announce } from '@turing/ui';
import React, { useEffect, useMemo, useRef, useState } from 'react';

import { ActionBar } from './action-bar';
import type { CatalogFilter } from './catalog';
import { filterEnvironments, frameworkNames } from './catalog';
import { EnvironmentFilters } from './environment-filters';
import { EnvironmentList } from './environment-list';
import { clampGpuCount, gpuBounds, gpuTypeOptions } from './gpu-bounds';
import { GpuPicker } from './gpu-picker';
import type { EnvironmentsSettings } from './settings';
import type { SwitchStatus } from './switch-flow';
import { openAsNewServer, switchCurrentServer } from './switch-flow';
import type { SwitchChoice } from './switch-request';
import { switchAnnouncement } from './switch-announcement';
import { currentServerOf, useCatalog } from './use-catalog';

/** Numbers the views, for ids unique on the page. */
let viewCount = 0;

/** Props of {@link EnvironmentsView}. */
export interface EnvironmentsViewProps {
  client: ITuringClient;
  commands: CommandRegistry;
  settings: EnvironmentsSettings;
  /** An environment id to select (from the command's arguments), with a counter to re-apply it. */
  request: { environment?: string; serial: number };
  trans: TranslationBundle;
}

/** The content of the Environments panel. */
export function EnvironmentsView({
  client,
  commands,
  settings,
  request,
  trans,
}: EnvironmentsViewProps): React.ReactElement {
  const [catalog, reload] = useCatalog(client);
  const [filter, setFilter] = useState<Omit<CatalogFilter, 'showCpu'>>({
    query: '',
    kind: 'all',
    framework: '',
  });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [gpuType, setGpuType] = useState<string | undefined>(undefined);
  const [gpus, setGpus] = useState(settings.defaultGpuCount);
  const [status, setStatus] = useState<SwitchStatus | null>(null);
  const [busy, setBusy] = useState(false);
  // The environment being switched to, named in the announcements.
  const [target, setTarget] = useState('');
  const barRef = useRef<HTMLDivElement>(null);
  const idPrefix = useMemo(() => `turing-env-${++viewCount}`, []);
  const announced = useRef<string | null>(null);

  useEffect(() => {
    if (!status) {
      announced.current = null;
      return;
    }
    const said = switchAnnouncement(status, target, trans);
    if (said.key !== announced.current) {
      announced.current = said.key;
      announce(said.message, said.politeness);
    }
  }, [status, target, trans]);

  const environments = useMemo(() => catalog.data?.environments ?? [], [catalog.data]);
  const fullFilter: CatalogFilter = useMemo(
    () => ({ ...filter, showCpu: settings.showCpuEnvironments }),
    [filter, settings.showCpuEnvironments],
  );
  const shown = useMemo(() => filterEnvironments(environments, fullFilter), [environments, fullFilter]);
  const current = currentServerOf(catalog, client.connection.hub.serverName);
  const currentEnv = environments.find((e) => e.id === current?.environment);
  const selected = environments.find((e) => e.id === selectedId);

  useEffect(() => {
    if (request.environment) {
      setSelectedId(request.environment);
    }
  }, [request]);

  const availability = catalog.data?.gpus.types ?? [];
  const capacityKnown = catalog.data?.gpus.available !== false;
  const quota = catalog.data?.quota ?? { maxGpus: 0, usedGpus: 0 };
  const types = selected ? gpuTypeOptions(selected, availability) : [];
  // One offered type is implied; a type picked for another environment is dropped.
  const chosenType = types.length === 1 ? types[0]?.id : types.find((t) => t.id === gpuType)?.id;
  const switchBounds = selected
    ? gpuBounds({
        environment: selected,
        gpuType: chosenType,
        availability,
        quota,
        capacityKnown,
        releasing: current?.gpus ?? 0,
      })
    : null;
  const newBounds = selected
    ? gpuBounds({ environment: selected, gpuType: chosenType, availability, quota, capacityKnown })
    : null;
  const count = switchBounds ? clampGpuCount(switchBounds, gpus, settings.defaultGpuCount) : 0;

  const run = (flow: typeof switchCurrentServer): void => {
    if (!selected || busy) {
      return;
    }
    const choice: SwitchChoice = { environment: selected, gpus: count, gpuType: chosenType };
    setBusy(true);
    setStatus(null);
    setTarget(selected.displayName);
    flow(choice, { client, commands, trans, onStatus: setStatus })
      .catch((error: unknown) => console.error('Turing: environment switch failed', error))
      .finally(() => setBusy(false));
  };

  const canStart = (bounds: typeof switchBounds): boolean =>
    !!bounds && !busy && bounds.counts.includes(count) && !(status?.step === 'ready');

  const details = selected && switchBounds && (
    <div
      className="jp-Turing-Selection"
      role="group"
      aria-label={trans.__('Options for %1', selected.displayName)}
    >
      {selected.gpu ? (
        <GpuPicker
          types={types}
          gpuType={chosenType}
          gpus={count}
          bounds={switchBounds}
          capacityKnown={capacityKnown}
          onTypeChange={setGpuType}
          onCountChange={setGpus}
          disabled={busy}
          trans={trans}
        />
      ) : (
        <div className="jp-Turing-Hint">{trans.__('Runs on CPUs only; no GPU is attached.')}</div>
      )}
    </div>
  );

  return (
    <div className="jp-Turing-Environments">
      <div className="jp-Turing-Environments-content">
        <div className="jp-Turing-Panel-header">
          <h2 className="jp-Turing-Panel-title jp-Turing-Environments-title">{trans.__('Environments')}</h2>
          <IconButton
            icon={refreshIcon}
            label={trans.__('Refresh environments')}
            disabled={catalog.loading}
            onClick={reload}
          />
        </div>
        <div className="jp-Turing-Current">
          <span className="jp-Turing-Current-label">{trans.__('Current environment')}</span>
          <span className="jp-Turing-Current-value">
            {currentEnv?.displayName ?? current?.environment ?? trans.__('unknown')}
            {current?.gpus ? ` · ${trans._n('%1 GPU', '%1 GPUs', current.gpus)}` : ''}
          </span>
        </div>
        {catalog.error && <ErrorMessage error={catalog.error} trans={trans} />}
        {catalog.loading && !catalog.data && (
          <div className="jp-Turing-Loading">{trans.__('Loading environments…')}</div>
        )}
        {catalog.data && (
          <>
            <EnvironmentFilters
              filter={fullFilter}
              frameworks={frameworkNames(environments)}
              onChange={setFilter}
              trans={trans}
            />
            <EnvironmentList
              environments={shown}
              selectedId={selectedId}
              currentId={current?.environment}
              onSelect={(id) => {
                setSelectedId(id);
                if (!busy) {
                  setStatus(null);
                }
              }}
              details={details}
              idPrefix={idPrefix}
              bottomInset={() => barRef.current?.offsetHeight ?? 0}
              trans={trans}
            />
            <div className="jp-Turing-Quota">
              {trans.__('GPU quota: %1 of %2 in use', quota.usedGpus, quota.maxGpus)}
            </div>
          </>
        )}
      </div>
      {catalog.data && (
        <ActionBar
          ref={barRef}
          selected={selected}
          canSwitch={canStart(switchBounds)}
          canOpenNew={canStart(newBounds)}
          openNewHint={
            !selected || newBounds?.counts.includes(count)
              ? undefined
              : trans.__('Not enough free GPUs or quota for a second server')
          }
          onSwitch={() => run(switchCurrentServer)}
          onOpenNew={() => run(openAsNewServer)}
          status={status}
          onDismiss={() => setStatus(null)}
          trans={trans}
        />
      )}
    </div>
  );
}
