import { DataTable } from '@turing/ui/lib/data-table';
import type { TableColumn } from '@turing/ui/lib/data-table';
import { ErrorMessage } from '@turing/ui/lib/error-message';
import { SearchBox } from '@turing/ui/lib/search-box';
import { StatusBadge } from '@turing/ui/lib/status-badge';
import React, { useMemo, useState } from 'react';

import { useApi } from '../../api/api-context';
import type { AdminModel } from '../../api/types';
import { pageTitle } from '../../app/pages';
import { trans } from '../../app/translation';
import { PageHeading } from '../../components/page-heading';
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

/** Every user's models with replicas, versions, traffic and gateway metrics; scale, disable, revoke keys. */
export function ModelsPage(): React.ReactElement {
  const api = useApi();
  const [user, setUser] = useState('');
  const settledUser = useDebounced(user);
  const models = useResource(() => api.models(settledUser.trim() || undefined), `models${settledUser}`);
  const [selected, setSelected] = useState<string | null>(null);

  const columns = useMemo<TableColumn<AdminModel>[]>(
    () => [
      { id: 'name', header: trans.__('Model'), cell: (m) => m.name, sortValue: (m) => m.name },
      { id: 'owner', header: trans.__('Owner'), cell: (m) => m.owner, sortValue: (m) => m.owner },
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
      {
        id: 'rate',
        header: trans.__('Requests'),
        cell: (m) => rateText(m.gateway?.requestsPerSecond),
        sortValue: (m) => m.gateway?.requestsPerSecond ?? 0,
        className: 'jp-Turing-Admin-numeric',
      },
      {
        id: 'p95',
        header: trans.__('p95 latency'),
        cell: (m) => latencyText(m.gateway?.p95Ms),
        sortValue: (m) => m.gateway?.p95Ms ?? 0,
        className: 'jp-Turing-Admin-numeric',
      },
      {
        id: 'errors',
        header: trans.__('Error rate'),
        cell: (m) => errorRateText(m.gateway?.errorRate),
        sortValue: (m) => m.gateway?.errorRate ?? 0,
        className: 'jp-Turing-Admin-numeric',
      },
      {
        id: 'manage',
        header: trans.__('Actions'),
        cell: (m) => (
          <button
            type="button"
            className="jp-mod-styled jp-Turing-Button jp-Turing-SmallButton"
            aria-label={trans.__('Manage model %1 of %2', m.name, m.owner)}
            aria-expanded={selected === m.name}
            data-testid={`model-manage-${m.name}`}
            onClick={() => setSelected(selected === m.name ? null : m.name)}
          >
            {trans.__('Manage')}
          </button>
        ),
      },
    ],
    [selected],
  );

  const items = models.data?.items ?? [];
  const model = items.find((m) => m.name === selected);
  return (
    <>
      <PageHeading title={pageTitle('models')}>
        <button
          type="button"
          className="jp-mod-styled jp-Turing-Button"
          data-testid="models-reload"
          onClick={() => void models.reload()}
        >
          {trans.__('Reload')}
        </button>
      </PageHeading>
      <div className="jp-Turing-Admin-toolbar">
        <SearchBox
          value={user}
          onChange={setUser}
          label={trans.__('Show the models of one user')}
          testId="models-user"
        />
      </div>
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
