import type { TranslationBundle } from '@jupyterlab/translation';
import type { IModelsClient, ModelView, ServingRuntime } from '@turing/client';
import { launchIcon } from '@jupyterlab/ui-components';
import { formatByteSize } from '@turing/client';
import { IconButton, StatusBadge } from '@turing/ui';
import React from 'react';

import { ApiKeys } from './api-keys';
import { DeleteModelButton } from './delete-model-button';
import { EndpointExamples } from './endpoint-examples';
import { phaseLabel, phaseTone, runtimeLabel, versionSourceLabel } from './labels';
import { formatLabel } from './model-format';
import { ModelLogs } from './model-logs';
import { ModelStatsView } from './model-stats';
import { ModelStatusMessage } from './model-status-message';
import type { PanelSettings } from './settings';
import { describeTraffic } from './traffic';
import { TrafficControl } from './traffic-control';
import { TryIt } from './try-it';

/** Props of {@link ModelCard}. */
export interface ModelCardProps {
  models: IModelsClient;
  model: ModelView;
  /** The runtime catalog, for display names; `null` until loaded. */
  catalog: ServingRuntime[] | null;
  open: boolean;
  /** Whose home this is: another user's model says whose it is. */
  homeOwner: string;
  origin: string;
  settings: PanelSettings;
  isVisible: () => boolean;
  onToggle: () => void;
  /** Reloads the list, after an action changed the model. */
  onChanged: () => void;
  onDelete: () => void;
  /** Opens this model's detail page in the main-area view. */
  onOpenInMainArea: () => void;
  busy: boolean;
  trans: TranslationBundle;
}

/** A titled part of an open card. */
function Part(props: { title: string; testId?: string; children: React.ReactNode }): React.ReactElement {
  return (
    <section className="jp-Turing-Models-part" aria-label={props.title} data-testid={props.testId}>
      <h4 className="jp-Turing-Models-partTitle">{props.title}</h4>
      {props.children}
    </section>
  );
}

/** The versions, newest first, with where each came from and which serve. */
function Versions({ model, trans }: { model: ModelView; trans: TranslationBundle }): React.ReactElement {
  const traffic = model.traffic;
  const sorted = [...model.versions].sort((a, b) => b.version - a.version);
  return (
    <ul className="jp-Turing-Models-versions" data-testid="model-versions">
      {sorted.map((v) => {
        const role =
          traffic?.stable === v.version
            ? trans.__('stable')
            : traffic?.canary === v.version && traffic.canaryPercent > 0
              ? trans.__('canary')
              : '';
        return (
          <li key={v.version} data-testid="model-version" data-version={v.version}>
            <span className="jp-Turing-Models-versionNumber">{`v${v.version}`}</span>
            {role && <StatusBadge tone="active">{role}</StatusBadge>}
            <span className="jp-Turing-Hint" title={v.createdAt}>
              {`${formatByteSize(v.sizeBytes)} · ${versionSourceLabel(v.source, trans)}`}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * One model: name, phase, ready replicas, versions and traffic split; opened,
 * its endpoints with curl examples, Try it, live charts, canary control,
 * versions, API keys, logs and Delete. Compact enough for a 250 px sidebar.
 */
export function ModelCard(props: ModelCardProps): React.ReactElement {
  const { models, model, catalog, open, homeOwner, origin, settings, isVisible, trans } = props;
  const { status } = model;
  const detailsId = `jp-Turing-Models-card-${model.name}`;
  return (
    <li
      className={`jp-Turing-Card jp-Turing-Models-card${open ? ' jp-mod-selected' : ''}`}
      data-testid="model-card"
      data-model-name={model.name}
      data-phase={status.phase}
    >
      <div className="jp-Turing-Card-header">
        <button
          type="button"
          className="jp-Turing-Card-name"
          aria-expanded={open}
          aria-controls={detailsId}
          title={open ? trans.__('Close %1', model.name) : trans.__('Open %1', model.name)}
          onClick={props.onToggle}
        >
          {model.name}
        </button>
        {homeOwner !== '' && model.owner !== homeOwner && (
          <span className="jp-Turing-Card-owner" title={trans.__('Owned by %1', model.owner)}>
            {model.owner}
          </span>
        )}
        <StatusBadge tone={phaseTone(status.phase)} testId="model-phase" className="jp-Turing-Models-phase">
          {phaseLabel(status.phase, trans)}
        </StatusBadge>
        <IconButton
          icon={launchIcon}
          label={trans.__('Open model %1 in main area', model.name)}
          onClick={props.onOpenInMainArea}
        />
      </div>
      <div className="jp-Turing-Models-cardMeta">
        <div>{`${runtimeLabel(model.runtime, catalog, trans)} · ${formatLabel(model.format, trans)}`}</div>
        <div data-testid="model-replicas">
          {trans.__('%1/%2 replicas ready', status.readyReplicas, status.replicas)}
          {' · '}
          {model.versions.length === 0
            ? trans.__('no versions')
            : trans.__('versions %1', model.versions.map((v) => v.version).join(', '))}
        </div>
        <div data-testid="model-traffic-summary">{describeTraffic(model.traffic, trans)}</div>
        <ModelStatusMessage status={status} />
      </div>
      {open && (
        <div id={detailsId} className="jp-Turing-Models-details">
          <Part title={trans.__('Endpoint')}>
            <EndpointExamples model={model} origin={origin} trans={trans} />
          </Part>
          <Part title={trans.__('Try it')}>
            <TryIt models={models} model={model} trans={trans} />
          </Part>
          <Part title={trans.__('Traffic')}>
            <ModelStatsView
              models={models}
              model={model}
              pollMs={settings.statsRefreshSeconds * 1000}
              isVisible={isVisible}
              trans={trans}
            />
            <TrafficControl
              key={JSON.stringify(model.traffic ?? null)}
              models={models}
              model={model}
              onChanged={props.onChanged}
              trans={trans}
            />
          </Part>
          <Part title={trans.__('Versions')}>
            <Versions model={model} trans={trans} />
          </Part>
          <Part title={trans.__('API keys')}>
            <ApiKeys models={models} model={model} onChanged={props.onChanged} trans={trans} />
          </Part>
          <ModelLogs models={models} model={model} tailLines={settings.logTailLines} trans={trans} />
          <div className="jp-Turing-ButtonRow">
            <DeleteModelButton model={model.name} busy={props.busy} onDelete={props.onDelete} trans={trans} />
          </div>
        </div>
      )}
    </li>
  );
}
