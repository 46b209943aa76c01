import type { TranslationBundle } from '@jupyterlab/translation';
import type { ModelView, ServingRuntime } from '@turing/client';
import type { TableColumn } from '@turing/ui';
import { DataTable, SearchBox, StatusBadge } from '@turing/ui';
import React, { useMemo } from 'react';

import { formatMs, formatRate, phaseLabel, phaseTone, runtimeLabel } from './labels';
import type { StatsSummary } from './model-rows';
import { filterModels, servingVersionsText } from './model-rows';
import { describeTraffic } from './traffic';

/** Props of {@link ModelsTable}. */
export interface ModelsTableProps {
  models: readonly ModelView[];
  catalog: readonly ServingRuntime[] | null;
  stats: ReadonlyMap<string, StatsSummary>;
  /** Whether to show the owner column (admins see everyone's models). */
  showOwner: boolean;
  query: string;
  onQuery: (query: string) => void;
  /** Only this owner's models, when set; `onClearOwner` shows everyone's again. */
  owner?: string;
  onClearOwner: () => void;
  onOpen: (name: string) => void;
  pageSize: number;
  trans: TranslationBundle;
}

const DASH = '–';

/**
 * The full-width models table: name (opens the detail page), state, runtime,
 * serving versions, traffic split, ready/desired replicas, request rate and
 * p95 latency, and the owner for admins; filtered by the search box, sortable
 * by every column and paged.
 */
export function ModelsTable(props: ModelsTableProps): React.ReactElement {
  const { models, catalog, stats, showOwner, query, owner, onOpen, pageSize, trans } = props;
  const rows = useMemo(
    () => filterModels(models, { query, ...(owner ? { owner } : {}) }, catalog, trans),
    [models, query, owner, catalog, trans],
  );
  const figure = (name: string, key: keyof StatsSummary): number => stats.get(name)?.[key] ?? -1;

  const columns: TableColumn<ModelView>[] = [
    {
      id: 'name',
      header: trans.__('Name'),
      sortValue: (m) => m.name,
      cell: (m) => (
        <button
          type="button"
          className="jp-Turing-View-link jp-Turing-Models-nameLink"
          aria-label={trans.__('Open model %1', m.name)}
          data-testid="models-table-open"
          onClick={() => onOpen(m.name)}
        >
          {m.name}
        </button>
      ),
    },
    {
      id: 'state',
      header: trans.__('State'),
      sortValue: (m) => phaseLabel(m.status.phase, trans),
      cell: (m) => (
        <StatusBadge tone={phaseTone(m.status.phase)} testId="model-phase">
          {phaseLabel(m.status.phase, trans)}
        </StatusBadge>
      ),
    },
    {
      id: 'runtime',
      header: trans.__('Runtime'),
      sortValue: (m) => runtimeLabel(m.runtime, catalog, trans),
      cell: (m) => runtimeLabel(m.runtime, catalog, trans),
    },
    {
      id: 'serving',
      header: trans.__('Serving'),
      sortValue: (m) => servingVersionsText(m),
      cell: (m) => servingVersionsText(m) || DASH,
    },
    {
      id: 'traffic',
      header: trans.__('Traffic'),
      sortValue: (m) => describeTraffic(m.traffic, trans),
      cell: (m) => describeTraffic(m.traffic, trans),
    },
    {
      id: 'replicas',
      header: trans.__('Ready'),
      sortValue: (m) => m.status.readyReplicas,
      cell: (m) => (
        <span
          data-testid="models-table-replicas"
          title={trans.__('%1 of %2 replicas ready', m.status.readyReplicas, m.status.replicas)}
        >{`${m.status.readyReplicas}/${m.status.replicas}`}</span>
      ),
      className: 'jp-Turing-Table-number',
    },
    {
      id: 'rate',
      header: trans.__('Requests'),
      sortValue: (m) => figure(m.name, 'rate'),
      cell: (m) => {
        const rate = stats.get(m.name)?.rate;
        return (
          <span data-testid="models-table-rate">{rate === undefined ? DASH : formatRate(rate, trans)}</span>
        );
      },
      className: 'jp-Turing-Table-number',
    },
    {
      id: 'p95',
      header: trans.__('p95 latency'),
      sortValue: (m) => figure(m.name, 'p95Ms'),
      cell: (m) => {
        const p95 = stats.get(m.name)?.p95Ms;
        return <span data-testid="models-table-p95">{p95 === undefined ? DASH : formatMs(p95, trans)}</span>;
      },
      className: 'jp-Turing-Table-number',
    },
  ];
  if (showOwner) {
    columns.push({ id: 'owner', header: trans.__('Owner'), sortValue: (m) => m.owner, cell: (m) => m.owner });
  }

  return (
    <div className="jp-Turing-Models-tablePage" data-testid="models-view-list">
      <div className="jp-Turing-View-row jp-Turing-Models-toolbar">
        <SearchBox
          value={query}
          onChange={props.onQuery}
          label={trans.__('Filter models')}
          placeholder={trans.__('Filter by name, runtime or state')}
          testId="models-view-filter"
        />
        {owner && (
          <span className="jp-Turing-View-row jp-Turing-Models-ownerFilter" data-testid="models-view-owner">
            {trans.__('Owner: %1', owner)}
            <button
              type="button"
              className="jp-mod-styled jp-Turing-SmallButton"
              onClick={props.onClearOwner}
            >
              {trans.__('Show every owner')}
            </button>
          </span>
        )}
        <span className="jp-Turing-Hint" role="status" data-testid="models-view-count">
          {trans._n('%1 model', '%1 models', rows.length)}
        </span>
      </div>
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(m) => m.name}
        label={trans.__('Models')}
        initialSort={{ column: 'name', direction: 'ascending' }}
        pageSize={pageSize}
        emptyText={
          models.length === 0
            ? trans.__(
                'No models yet. Right-click a model file or a SavedModel folder in the file browser and choose Publish Model.',
              )
            : trans.__('No model matches the filter.')
        }
        testId="models-table"
        trans={trans}
      />
    </div>
  );
}
