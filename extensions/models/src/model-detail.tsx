import type { TranslationBundle } from '@jupyterlab/translation';
import { caretLeftIcon } from '@jupyterlab/ui-components';
import type { IModelsClient, ModelView, ServingRuntime } from '@turing/client';
import { formatByteSize } from '@turing/client';
import type { TableColumn } from '@turing/ui';
import { DataTable, StatusBadge, TextButton, formatRelativeTime } from '@turing/ui';
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
import type { VersionRow } from './version-rows';
import { versionRows } from './version-rows';

/** Props of {@link ModelDetail}. */
export interface ModelDetailProps {
  models: IModelsClient;
  model: ModelView;
  catalog: readonly ServingRuntime[] | null;
  /** Whose home this server is: another user's model says whose it is. */
  homeOwner: string;
  origin: string;
  settings: PanelSettings;
  isVisible: () => boolean;
  busy: boolean;
  onBack: () => void;
  /** Reloads the list after an action changed the model. */
  onChanged: () => void;
  onDelete: () => void;
  trans: TranslationBundle;
}

/** A titled section of the detail page. */
function Section(props: {
  title: string;
  id: string;
  testId?: string;
  wide?: boolean;
  children: React.ReactNode;
}): React.ReactElement {
  return (
    <section
      className={`jp-Turing-Models-section${props.wide ? ' jp-mod-wide' : ''}`}
      aria-labelledby={props.id}
      data-testid={props.testId}
    >
      <h3 id={props.id} className="jp-Turing-View-title jp-Turing-Models-sectionTitle">
        {props.title}
      </h3>
      {props.children}
    </section>
  );
}

function roleLabel(row: VersionRow, trans: TranslationBundle): string {
  const role =
    row.role === 'stable'
      ? trans.__('stable')
      : row.role === 'canary'
        ? trans.__('canary')
        : trans.__('stored');
  return row.loaded ? trans.__('%1, loaded', role) : role;
}

/** The versions table: version, published, source, size, state and traffic share. */
function VersionsTable({ model, trans }: { model: ModelView; trans: TranslationBundle }): React.ReactElement {
  const now = Date.now();
  const columns: TableColumn<VersionRow>[] = [
    {
      id: 'version',
      header: trans.__('Version'),
      sortValue: (r) => r.version.version,
      cell: (r) => <span className="jp-Turing-Models-versionNumber">{`v${r.version.version}`}</span>,
    },
    {
      id: 'published',
      header: trans.__('Published'),
      sortValue: (r) => r.version.createdAt,
      cell: (r) => (
        <time dateTime={r.version.createdAt} title={new Date(r.version.createdAt).toLocaleString()}>
          {formatRelativeTime(new Date(r.version.createdAt), now, trans)}
        </time>
      ),
    },
    {
      id: 'source',
      header: trans.__('Source'),
      sortValue: (r) => versionSourceLabel(r.version.source, trans),
      cell: (r) => versionSourceLabel(r.version.source, trans),
    },
    {
      id: 'size',
      header: trans.__('Size'),
      sortValue: (r) => r.version.sizeBytes,
      cell: (r) => formatByteSize(r.version.sizeBytes),
      className: 'jp-Turing-Table-number',
    },
    {
      id: 'state',
      header: trans.__('State'),
      sortValue: (r) => roleLabel(r, trans),
      cell: (r) => (
        <StatusBadge tone={r.role === 'stored' ? 'muted' : 'active'} testId="model-version-state">
          {roleLabel(r, trans)}
        </StatusBadge>
      ),
    },
    {
      id: 'traffic',
      header: trans.__('Traffic'),
      sortValue: (r) => r.percent,
      cell: (r) => <span data-testid="model-version-traffic">{`${r.percent}%`}</span>,
      className: 'jp-Turing-Table-number',
    },
  ];
  return (
    <DataTable
      rows={versionRows(model)}
      columns={columns}
      rowKey={(r) => String(r.version.version)}
      label={trans.__('Versions of %1', model.name)}
      initialSort={{ column: 'version', direction: 'descending' }}
      pageSize={10}
      emptyText={trans.__('No versions yet.')}
      testId="model-versions-table"
      trans={trans}
    />
  );
}

/**
 * A model's detail page: back to the list, its header and actions, the
 * versions table, traffic split with the canary control, rate and latency,
 * Try it, endpoint examples, API keys and logs.
 */
export function ModelDetail(props: ModelDetailProps): React.ReactElement {
  const { models, model, catalog, homeOwner, origin, settings, isVisible, trans } = props;
  const { status } = model;
  const id = (part: string) => `jp-Turing-Models-detail-${model.name}-${part}`;
  return (
    <article
      className="jp-Turing-Models-detail"
      aria-labelledby={id('title')}
      data-testid="models-view-detail"
      data-model-name={model.name}
      data-phase={status.phase}
    >
      <div className="jp-Turing-Models-detailNav">
        <TextButton icon={caretLeftIcon} label={trans.__('All models')} onClick={props.onBack} />
      </div>
      <header className="jp-Turing-Models-detailHeader">
        <div className="jp-Turing-View-row jp-Turing-Models-detailTitleRow">
          <h2 id={id('title')} className="jp-Turing-View-title jp-Turing-Models-detailTitle">
            {model.name}
          </h2>
          <StatusBadge tone={phaseTone(status.phase)} testId="model-phase">
            {phaseLabel(status.phase, trans)}
          </StatusBadge>
          <span className="jp-Turing-Models-detailActions">
            <DeleteModelButton
              model={model.name}
              busy={props.busy}
              onDelete={props.onDelete}
              withIcon
              trans={trans}
            />
          </span>
        </div>
        <div className="jp-Turing-Models-detailMeta">
          <span>{`${runtimeLabel(model.runtime, catalog, trans)} · ${formatLabel(model.format, trans)}`}</span>
          <span data-testid="model-replicas">
            {trans.__('%1/%2 replicas ready', status.readyReplicas, status.replicas)}
          </span>
          <span data-testid="model-traffic-summary">{describeTraffic(model.traffic, trans)}</span>
          {homeOwner !== '' && homeOwner !== model.owner && (
            <span>{trans.__('Owned by %1', model.owner)}</span>
          )}
        </div>
        <ModelStatusMessage status={status} />
      </header>
      <div className="jp-Turing-Models-detailGrid">
        <Section title={trans.__('Versions')} id={id('versions')} testId="model-versions-section" wide>
          <VersionsTable model={model} trans={trans} />
        </Section>
        <Section title={trans.__('Traffic split')} id={id('traffic')}>
          <TrafficControl
            key={JSON.stringify(model.traffic ?? null)}
            models={models}
            model={model}
            onChanged={props.onChanged}
            trans={trans}
          />
        </Section>
        <Section title={trans.__('Rate and latency')} id={id('stats')}>
          <ModelStatsView
            models={models}
            model={model}
            pollMs={settings.statsRefreshSeconds * 1000}
            isVisible={isVisible}
            trans={trans}
          />
        </Section>
        <Section title={trans.__('Try it')} id={id('try')}>
          <TryIt models={models} model={model} trans={trans} />
        </Section>
        <Section title={trans.__('Endpoint')} id={id('endpoint')}>
          <EndpointExamples model={model} origin={origin} trans={trans} />
        </Section>
        <Section title={trans.__('API keys')} id={id('keys')}>
          <ApiKeys models={models} model={model} onChanged={props.onChanged} trans={trans} />
        </Section>
        <Section title={trans.__('Logs')} id={id('logs')}>
          <ModelLogs models={models} model={model} tailLines={settings.logTailLines} trans={trans} />
        </Section>
      </div>
    </article>
  );
}
