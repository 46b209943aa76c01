import type { TableColumn } from '@turing/ui/lib/data-table';
import { ErrorMessage } from '@turing/ui/lib/error-message';
import { StatusBadge } from '@turing/ui/lib/status-badge';
import React, { useMemo, useState } from 'react';

import { useApi } from '../../api/api-context';
import { queryString } from '../../api/query-string';
import type { AuditEntry } from '../../api/types';
import { pageTitle } from '../../app/pages';
import { trans } from '../../app/translation';
import { CursorTable } from '../../components/cursor-table';
import { PageHeading } from '../../components/page-heading';
import { useCursorList } from '../../hooks/use-cursor-list';
import { useDebounced } from '../../hooks/use-debounced';
import type { AuditFilters } from './audit-filters';
import { NO_AUDIT_FILTERS, auditFilterQuery, auditListQuery, formatChange } from './audit-filters';
import { AuditFiltersForm } from './audit-filters-form';

const OUTCOME_TONES = { success: 'success', failure: 'error', denied: 'warn' } as const;

function objectText(entry: AuditEntry): string {
  const { kind, name, owner } = entry.object;
  const named = name ? `${kind} ${name}` : kind;
  return owner ? trans.__('%1 of %2', named, owner) : named;
}

/** Who did what to which object, when and with what result; filters, paging, a JSON lines export. */
export function AuditPage(): React.ReactElement {
  const api = useApi();
  const [filters, setFilters] = useState<AuditFilters>(NO_AUDIT_FILTERS);
  const settled = useDebounced(filters);
  const entries = useCursorList(
    (cursor) => api.audit(auditListQuery(settled, cursor)),
    queryString(auditFilterQuery(settled)),
  );

  const columns = useMemo<TableColumn<AuditEntry>[]>(
    () => [
      {
        id: 'time',
        header: trans.__('Time'),
        cell: (entry) => <time dateTime={entry.time}>{new Date(entry.time).toLocaleString()}</time>,
      },
      {
        id: 'actor',
        header: trans.__('Actor'),
        cell: (entry) => (
          <span>
            {entry.actor.name}
            {entry.actor.admin && <span className="jp-Turing-Hint"> {trans.__('(admin)')}</span>}
            {entry.actor.kind !== 'user' && (
              <span className="jp-Turing-Hint"> {`(${entry.actor.kind})`}</span>
            )}
          </span>
        ),
      },
      { id: 'action', header: trans.__('Action'), cell: (entry) => <code>{entry.action}</code> },
      { id: 'object', header: trans.__('Object'), cell: objectText },
      {
        id: 'request',
        header: trans.__('Request'),
        cell: (entry) => (
          <span className="jp-Turing-Admin-stack">
            <code className="jp-Turing-Admin-break">{`${entry.method} ${entry.path}`}</code>
            <span className="jp-Turing-Hint">{trans.__('id %1', entry.requestId)}</span>
          </span>
        ),
      },
      {
        id: 'result',
        header: trans.__('Result'),
        cell: (entry) => (
          <StatusBadge
            tone={OUTCOME_TONES[entry.result.outcome] ?? 'muted'}
            testId={`audit-outcome-${entry.id}`}
          >
            {`${entry.result.outcome} ${entry.result.status}`}
          </StatusBadge>
        ),
      },
      {
        id: 'change',
        header: trans.__('Change'),
        cell: (entry) => {
          const text = formatChange(entry.change);
          return text ? (
            <details className="jp-Turing-Admin-change">
              <summary>{trans.__('Show change')}</summary>
              <pre
                className="jp-Turing-Admin-json"
                tabIndex={0}
                aria-label={trans.__('Change of %1', entry.action)}
              >
                {text}
              </pre>
            </details>
          ) : null;
        },
      },
    ],
    [],
  );

  return (
    <>
      <PageHeading title={pageTitle('audit')}>
        <a
          className="jp-mod-styled jp-Turing-Button jp-Turing-Admin-buttonLink"
          href={api.auditExportUrl(auditFilterQuery(settled))}
          download
          data-testid="audit-export"
        >
          {trans.__('Export JSON lines')}
        </a>
      </PageHeading>
      <AuditFiltersForm filters={filters} onChange={setFilters} />
      {entries.error && <ErrorMessage error={entries.error} trans={trans} testId="audit-error" />}
      <CursorTable
        list={entries}
        columns={columns}
        rowKey={(entry) => entry.id}
        label={trans.__('Audit log')}
        pageSize={50}
        countText={(shown) => trans.__('%1 entries shown, newest first.', shown)}
        emptyText={trans.__('No entries match the filters.')}
        moreText={trans.__('Load older entries')}
        testIdPrefix="audit"
      />
    </>
  );
}
