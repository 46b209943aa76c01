import { ErrorMessage } from '@turing/ui/lib/error-message';
import React, { useState } from 'react';

import { useApi } from '../../api/api-context';
import type { GpuUsage } from '../../api/types';
import { WORKLOAD_KINDS } from '../../api/types';
import { pageTitle } from '../../app/pages';
import { trans } from '../../app/translation';
import { EmptyRow } from '../../components/empty-row';
import { PageHeading } from '../../components/page-heading';
import { TableHead } from '../../components/table-head';
import { TitledSection } from '../../components/titled-section';
import { useResource } from '../../hooks/use-resource';
import { CapacityTable } from './capacity-table';
import { rowsByType, rowsByUser } from './chart-stacks';
import { StackedBarChart } from './stacked-bar-chart';
import { kindLabel } from './workload-kinds';
import { WorkloadTable } from './workload-table';

function Usage({ usage }: { usage: GpuUsage }): React.ReactElement {
  const [by, setBy] = useState<'type' | 'user'>('type');
  const { totals } = usage;
  return (
    <>
      {!usage.synced && (
        <p className="jp-Turing-Warning" role="status">
          {trans.__('The cluster caches are still syncing; the numbers may be incomplete.')}
        </p>
      )}
      <dl className="jp-Turing-Admin-totals" data-testid="gpu-totals">
        {[
          { label: trans.__('Capacity'), value: totals.capacity, testId: 'gpu-total-capacity' },
          { label: trans.__('Allocated'), value: totals.allocated, testId: 'gpu-total-allocated' },
          { label: trans.__('Free'), value: totals.free, testId: 'gpu-total-free' },
          ...WORKLOAD_KINDS.map((kind) => ({
            label: kindLabel(kind),
            value: usage.byKind[kind],
            testId: `gpu-kind-${kind}`,
          })),
        ].map((total) => (
          <div key={total.testId}>
            <dt>{total.label}</dt>
            <dd data-testid={total.testId}>{total.value}</dd>
          </div>
        ))}
      </dl>
      <fieldset className="jp-Turing-Admin-themeToggle" data-testid="gpu-chart-by">
        <legend>{trans.__('Chart')}</legend>
        <label className="jp-Turing-Admin-themeChoice">
          <input type="radio" name="gpu-chart-by" checked={by === 'type'} onChange={() => setBy('type')} />
          <span>{trans.__('Per GPU type')}</span>
        </label>
        <label className="jp-Turing-Admin-themeChoice">
          <input
            type="radio"
            name="gpu-chart-by"
            checked={by === 'user'}
            data-testid="gpu-chart-by-user"
            onChange={() => setBy('user')}
          />
          <span>{trans.__('Per user')}</span>
        </label>
      </fieldset>
      {by === 'type' ? (
        <StackedBarChart
          rows={rowsByType(usage)}
          title={trans.__('GPUs per type by workload')}
          labelHeader={trans.__('GPU type')}
          testId="gpu-chart"
        />
      ) : (
        <StackedBarChart
          rows={rowsByUser(usage)}
          title={trans.__('GPUs per user by workload')}
          labelHeader={trans.__('User')}
          testId="gpu-chart"
        />
      )}
      <div className="jp-Turing-Admin-columns">
        <TitledSection headingId="gpu-types-title" title={trans.__('By GPU type')}>
          <CapacityTable
            title={trans.__('GPUs by type')}
            header={trans.__('GPU type')}
            rows={usage.byType.map(({ product, ...row }) => ({ ...row, label: product }))}
            testId="gpu-by-type"
          />
        </TitledSection>
        <TitledSection headingId="gpu-nodes-title" title={trans.__('By node')}>
          <CapacityTable
            title={trans.__('GPUs by node')}
            header={trans.__('Node')}
            rows={usage.nodes.map((row) => ({ ...row, label: row.name }))}
            testId="gpu-by-node"
          />
        </TitledSection>
      </div>
      <TitledSection headingId="gpu-users-title" title={trans.__('By user and workload')}>
        <WorkloadTable
          labelHeader={trans.__('User')}
          rows={usage.byUser.map((row) => ({
            label: row.user,
            values: row,
            total: row.total,
            testId: `gpu-user-${row.user}`,
          }))}
          name={{ labelledBy: 'gpu-users-title' }}
          emptyText={trans.__('No user holds a GPU.')}
          testId="gpu-by-user"
        />
      </TitledSection>
      <TitledSection headingId="gpu-allocations-title" title={trans.__('Allocations')}>
        <table
          className="jp-Turing-Table"
          aria-labelledby="gpu-allocations-title"
          data-testid="gpu-allocations"
        >
          <TableHead
            columns={[
              trans.__('Pod'),
              trans.__('User'),
              trans.__('Workload'),
              trans.__('Node'),
              trans.__('GPU type'),
              { label: trans.__('GPUs'), numeric: true },
            ]}
          />
          <tbody>
            {usage.allocations.length === 0 && (
              <EmptyRow columns={6}>{trans.__('No GPUs are allocated.')}</EmptyRow>
            )}
            {usage.allocations.map((row) => (
              <tr key={`${row.namespace}/${row.pod}`}>
                <th scope="row">
                  <code>{`${row.namespace}/${row.pod}`}</code>
                </th>
                <td>{row.user ?? '–'}</td>
                <td>{kindLabel(row.kind)}</td>
                <td>{row.node}</td>
                <td>{row.product}</td>
                <td className="jp-Turing-Admin-numeric">{row.gpus}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TitledSection>
    </>
  );
}

/** GPU capacity and allocations: totals, per type, node, user and workload kind, and a stacked chart. */
export function GpusPage(): React.ReactElement {
  const api = useApi();
  const usage = useResource(() => api.gpuUsage(), 'gpus');
  return (
    <>
      <PageHeading
        title={pageTitle('gpus')}
        reloadTestId="gpus-reload"
        onReload={() => void usage.reload()}
      />
      {usage.error && <ErrorMessage error={usage.error} trans={trans} testId="gpus-error" />}
      {usage.loading && !usage.data && <p className="jp-Turing-Hint">{trans.__('Loading…')}</p>}
      {usage.data && !usage.data.available && (
        <p className="jp-Turing-Hint" data-testid="gpus-unavailable">
          {trans.__('GPU usage is not available on the local runtime: it has no cluster to count.')}
        </p>
      )}
      {usage.data?.available && <Usage usage={usage.data} />}
    </>
  );
}
