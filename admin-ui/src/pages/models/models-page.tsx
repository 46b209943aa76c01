import { DataTable } from '@turing/ui/lib/data-table';
import type { TableColumn } from '@turing/ui/lib/data-table';
import { ErrorMessage } from '@turing/ui/lib/error-message';
import { StatusBadge } from '@turing/ui/lib/status-badge';
import React, { useMemo, useState } from 'react';

import { useApi } from '../../api/api-context';
import type { AdminModel } from '../../api/types';
import { pageTitle } from '../../app/pages';
import { trans } from '../../app/translation';
import { ActionButton } from '../../components/action-button';
import { PageHeading } from '../../components/page-heading';
import { textColumn } from '../../components/text-column';
import { ToolbarSearch } from '../../components/toolbar-search';
import { useDebounced } from '../../hooks/use-debounced';
import { useResource } from '../../hooks/use-resource';
import { ModelDetail } from './model-detail';
import {
  errorRateText,
  latencyText,
  rateText,
  readyReplicas,
  runtimeText,
  trafficText,
  versionNumbers,
} from './model-view';

function stateBadge(model: AdminModel): React.ReactElement {
  if (model.disabled) {
    return (
      <StatusBadge tone="warn" testId={`model-state-${model.name}`}>
        {trans.__('disabled')}
      </StatusBadge>
    );
  }
  const phase = model.state ?? model.status?.phase ?? '';
  const tone = /ready|serving|running/i.test(phase)
    ? 'success'
    : /fail|error/i.test(phase)
      ? 'error'
      : 'active';
  return (
    <StatusBadge tone={tone} testId={`model-state-${model.name}`}>
      {phase || trans.__('unknown')}
    </StatusBadge>
  );
}

type Gateway = NonNullable<AdminModel['gateway']>;

/** A right-aligned column of one of the gateway's metrics, sorted by it (0 without one). */
function gatewayColumn<K extends 'requestsPerSecond' | 'p95Ms' | 'errorRate'>(
  id: string,
  header: string,
  metric: K,
  text: (value: Gateway[K] | undefined) => string,
): TableColumn<AdminModel> {
  return {
    id,
    header,
    cell: (m) => text(m.gateway?.[metric]),
    sortValue: (m) => m.gateway?.[metric] ?? 0,
    className: 'jp-Turing-Admin-numeric',
  };
}

/** Every user's models with replicas, versions, traffic and gateway metrics; scale, disable, revoke keys. */
export function ModelsPage(): React.ReactElement {
  const api = useApi();
  const [user, setUser] = useState('');
  const settledUser = useDebounced(user);
  const models = useResource(() => api.models(settledUser.trim() || undefined), `models${settledUser}`);
  const [selected, setSelected] = useState<string | null>(null);

  const columns = useMemo<TableColumn<AdminModel>[]>(
    () => [
      textColumn('name', trans.__('Model'), (m) => m.name),
      textColumn('owner', trans.__('Owner'), (m) => m.owner),
      { id: 'runtime', header: trans.__('Runtime'), cell: runtimeText },
      {
        id: 'state',
        header: trans.__('State'),
        cell: stateBadge,
        sortValue: (m) => (m.disabled ? 'disabled' : (m.state ?? '')),
      },
      {
        id: 'replicas',
        header: trans.__('Ready / desired'),
        cell: (m) => (
          <span data-testid={`model-replicas-${m.name}`}>
            {trans.__('%1 of %2–%3', readyReplicas(m), m.replicas.min, m.replicas.max)}
          </span>
        ),
        sortValue: readyReplicas,
      },
      {
        id: 'versions',
        header: trans.__('Versions'),
        cell: (m) =>
          versionNumbers(m)
            .map((v) => `v${v}`)
            .join(', '),
      },
      { id: 'traffic', header: trans.__('Traffic'), cell: trafficText },
      gatewayColumn('rate', trans.__('Requests'), 'requestsPerSecond', rateText),
      gatewayColumn('p95', trans.__('p95 latency'), 'p95Ms', latencyText),
      gatewayColumn('errors', trans.__('Error rate'), 'errorRate', errorRateText),
      {
        id: 'manage',
        header: trans.__('Actions'),
        cell: (m) => (
          <ActionButton
            label={trans.__('Manage')}
            small
            ariaLabel={trans.__('Manage model %1 of %2', m.name, m.owner)}
            ariaExpanded={selected === m.name}
            testId={`model-manage-${m.name}`}
            onClick={() => setSelected(selected === m.name ? null : m.name)}
          />
        ),
      },
    ],
    [selected],
  );

  const items = models.data?.items ?? [];
  const model = items.find((m) => m.name === selected);
  return (
    <>
      <PageHeading
        title={pageTitle('models')}
        reloadTestId="models-reload"
        onReload={() => void models.reload()}
      />
      <ToolbarSearch
        value={user}
        onChange={setUser}
        label={trans.__('Show the models of one user')}
        testId="models-user"
      />
      <p className="jp-Turing-Hint">
        {trans.__('Requests, latency and errors are the gateway’s, over the last minute.')}
      </p>
      {models.error && <ErrorMessage error={models.error} trans={trans} testId="models-error" />}
      {model && <ModelDetail key={model.name} model={model} reload={models.reload} />}
      <DataTable
        rows={items}
        columns={columns}
        rowKey={(m) => m.name}
        label={trans.__('Models of every user')}
        initialSort={{ column: 'name', direction: 'ascending' }}
        selectedKey={selected}
        emptyText={models.loading ? trans.__('Loading…') : trans.__('No models.')}
        testId="models-table"
        trans={trans}
      />
    </>
  );
}
