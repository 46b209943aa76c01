import { DataTable } from '@turing/ui/lib/data-table';
import type { TableColumn } from '@turing/ui/lib/data-table';
import { ErrorMessage } from '@turing/ui/lib/error-message';
import { StatusBadge } from '@turing/ui/lib/status-badge';
import { TextButton } from '@turing/ui/lib/buttons';
import React, { useMemo, useState } from 'react';

import { useApi } from '../../api/api-context';
import type { AdminEnvironment } from '../../api/types';
import { AppLink, useNavigation } from '../../app/navigation';
import { pageTitle } from '../../app/pages';
import { trans } from '../../app/translation';
import { addIcon } from '../../components/icons';
import { PageHeading } from '../../components/page-heading';
import { textColumn } from '../../components/text-column';
import { ToolbarSearch } from '../../components/toolbar-search';
import { useResource } from '../../hooks/use-resource';
import { EnvironmentEditor } from './environment-editor';

function versionsText(env: AdminEnvironment): string {
  const parts = [`Python ${env.versions.python}`];
  if (env.versions.cuda) {
    parts.push(`CUDA ${env.versions.cuda}`);
  }
  for (const [name, version] of Object.entries(env.versions.frameworks ?? {})) {
    parts.push(`${name} ${version}`);
  }
  return parts.join(', ');
}

function gpuText(env: AdminEnvironment): string {
  if (!env.gpu) {
    return trans.__('CPU only');
  }
  return trans.__('%1 × %2', env.gpu.types.join('/'), env.gpu.counts.join('/'));
}

function matches(env: AdminEnvironment, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  return (
    !needle ||
    [env.id, env.displayName, env.image, ...env.tags].some((value) => value.toLowerCase().includes(needle))
  );
}

/**
 * The environment catalog: the table of every entry (disabled ones too) and,
 * at `environments?id=<id>` or `environments?new=1`, the editor of one.
 */
export function EnvironmentsPage(): React.ReactElement {
  const api = useApi();
  const { adminUrl, location, navigate } = useNavigation();
  const catalog = useResource(() => api.catalog(), 'catalog');
  const [filter, setFilter] = useState('');
  const params = new URLSearchParams(location.search);
  const selectedId = params.get('id');
  const creating = params.get('new') !== null;
  const pageUrl = `${adminUrl}environments`;

  const columns = useMemo<TableColumn<AdminEnvironment>[]>(
    () => [
      {
        id: 'id',
        header: trans.__('Id'),
        cell: (env) => (
          <AppLink href={`${pageUrl}?id=${encodeURIComponent(env.id)}`} data-testid={`env-link-${env.id}`}>
            {env.id}
          </AppLink>
        ),
        sortValue: (env) => env.id,
      },
      textColumn('name', trans.__('Name'), (env) => env.displayName),
      {
        id: 'image',
        header: trans.__('Image'),
        cell: (env) => <code className="jp-Turing-Admin-break">{env.image}</code>,
        sortValue: (env) => env.image,
      },
      { id: 'versions', header: trans.__('Versions'), cell: versionsText },
      { id: 'gpu', header: trans.__('GPU'), cell: gpuText, sortValue: gpuText },
      {
        id: 'state',
        header: trans.__('State'),
        cell: (env) =>
          env.disabled ? (
            <StatusBadge tone="muted" testId={`env-state-${env.id}`}>
              {trans.__('disabled')}
            </StatusBadge>
          ) : (
            <StatusBadge tone="success" testId={`env-state-${env.id}`}>
              {env.default ? trans.__('default') : trans.__('enabled')}
            </StatusBadge>
          ),
        sortValue: (env) => (env.disabled ? 1 : 0),
      },
    ],
    [pageUrl],
  );

  const data = catalog.data;
  const rows = useMemo(() => (data?.items ?? []).filter((env) => matches(env, filter)), [data, filter]);
  const selected = data?.items.find((env) => env.id === selectedId);

  let detail: React.ReactNode = null;
  if (data && (creating || selected)) {
    detail = (
      <EnvironmentEditor
        key={creating ? 'new' : selected?.id}
        catalog={data}
        environment={creating ? undefined : selected}
        reloadCatalog={catalog.reload}
        onDone={(id) => navigate(id ? `${pageUrl}?id=${encodeURIComponent(id)}` : pageUrl, true)}
      />
    );
  } else if (data && selectedId) {
    detail = (
      <p role="alert" className="jp-Turing-Warning">
        {trans.__('The catalog has no environment %1.', selectedId)}
      </p>
    );
  }

  return (
    <>
      <PageHeading title={pageTitle('environments')}>
        <TextButton
          icon={addIcon}
          label={trans.__('New environment')}
          testId="env-new"
          onClick={() => navigate(`${pageUrl}?new=1`)}
        />
      </PageHeading>
      {catalog.error && <ErrorMessage error={catalog.error} trans={trans} testId="env-load-error" />}
      {data && (
        <p className="jp-Turing-Hint" data-testid="env-version">
          {trans.__('Catalog version %1 · %2 environments', data.version, data.items.length)}
        </p>
      )}
      {detail}
      <ToolbarSearch
        value={filter}
        onChange={setFilter}
        label={trans.__('Filter environments by id, name, image or tag')}
        testId="env-filter"
      />
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(env) => env.id}
        label={trans.__('Environment catalog')}
        initialSort={{ column: 'id', direction: 'ascending' }}
        selectedKey={creating ? null : (selectedId ?? null)}
        emptyText={catalog.loading ? trans.__('Loading…') : trans.__('No environments match.')}
        testId="env-table"
        trans={trans}
      />
    </>
  );
}
