import { ErrorMessage } from '@turing/ui/lib/error-message';
import React, { useState } from 'react';

import { useApi } from '../../api/api-context';
import type { GpuCapacity, GpuUsage } from '../../api/types';
import { WORKLOAD_KINDS } from '../../api/types';
import { pageTitle } from '../../app/pages';
import { trans } from '../../app/translation';
import { PageHeading } from '../../components/page-heading';
import { useResource } from '../../hooks/use-resource';
import { rowsByType, rowsByUser } from './chart-stacks';
import { StackedBarChart } from './stacked-bar-chart';
import { kindLabel } from './workload-kinds';

function CapacityTable(props: {
  title: string;
  header: string;
  rows: Array<GpuCapacity & { label: string; product?: string }>;
  testId: string;
}): React.ReactElement {
  const { title, header, rows, testId } = props;
  const showProduct = rows.some((row) => row.product !== undefined);
  return (
    <table className="jp-Turing-Table" aria-label={title} data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{header}</th>
          {showProduct && <th scope="col">{trans.__('GPU type')}</th>}
          <th scope="col" className="jp-Turing-Admin-numeric">
            {trans.__('Capacity')}
          </th>
          <th scope="col" className="jp-Turing-Admin-numeric">
            {trans.__('Allocated')}
          </th>
          <th scope="col" className="jp-Turing-Admin-numeric">
            {trans.__('Free')}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td className="jp-Turing-Table-empty" colSpan={showProduct ? 5 : 4}>
              {trans.__('No GPU nodes.')}
            </td>
          </tr>
        )}
        {rows.map((row) => (
          <tr key={row.label}>
            <th scope="row">{row.label}</th>
            {showProduct && <td>{row.product}</td>}
            <td className="jp-Turing-Admin-numeric">{row.capacity}</td>
            <td className="jp-Turing-Admin-numeric">{row.allocated}</td>
            <td className="jp-Turing-Admin-numeric">{row.free}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

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
        <div>
          <dt>{trans.__('Capacity')}</dt>
          <dd data-testid="gpu-total-capacity">{totals.capacity}</dd>
        </div>
        <div>
          <dt>{trans.__('Allocated')}</dt>
          <dd data-testid="gpu-total-allocated">{totals.allocated}</dd>
        </div>
        <div>
          <dt>{trans.__('Free')}</dt>
          <dd data-testid="gpu-total-free">{totals.free}</dd>
        </div>
        {WORKLOAD_KINDS.map((kind) => (
          <div key={kind}>
            <dt>{kindLabel(kind)}</dt>
            <dd data-testid={`gpu-kind-${kind}`}>{usage.byKind[kind]}</dd>
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
        <section aria-labelledby="gpu-types-title">
          <h2 id="gpu-types-title" className="jp-Turing-Admin-h2">
            {trans.__('By GPU type')}
          </h2>
          <CapacityTable
            title={trans.__('GPUs by type')}
            header={trans.__('GPU type')}
            rows={usage.byType.map(({ product, ...row }) => ({ ...row, label: product }))}
            testId="gpu-by-type"
          />
        </section>
        <section aria-labelledby="gpu-nodes-title">
          <h2 id="gpu-nodes-title" className="jp-Turing-Admin-h2">
            {trans.__('By node')}
          </h2>
          <CapacityTable
            title={trans.__('GPUs by node')}
            header={trans.__('Node')}
            rows={usage.nodes.map((row) => ({ ...row, label: row.name }))}
            testId="gpu-by-node"
          />
        </section>
      </div>
      <section aria-labelledby="gpu-users-title">
        <h2 id="gpu-users-title" className="jp-Turing-Admin-h2">
          {trans.__('By user and workload')}
        </h2>
        <table className="jp-Turing-Table" aria-labelledby="gpu-users-title" data-testid="gpu-by-user">
          <thead>
            <tr>
              <th scope="col">{trans.__('User')}</th>
              {WORKLOAD_KINDS.map((kind) => (
                <th key={kind} scope="col" className="jp-Turing-Admin-numeric">
                  {kindLabel(kind)}
                </th>
              ))}
              <th scope="col" className="jp-Turing-Admin-numeric">
                {trans.__('Total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {usage.byUser.length === 0 && (
              <tr>
                <td className="jp-Turing-Table-empty" colSpan={WORKLOAD_KINDS.length + 2}>
                  {trans.__('No user holds a GPU.')}
                </td>
              </tr>
            )}
            {usage.byUser.map((row) => (
              <tr key={row.user} data-testid={`gpu-user-${row.user}`}>
                <th scope="row">{row.user}</th>
                {WORKLOAD_KINDS.map((kind) => (
                  <td key={kind} className="jp-Turing-Admin-numeric">
                    {row[kind]}
                  </td>
                ))}
                <td className="jp-Turing-Admin-numeric">{row.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="gpu-allocations-title">
        <h2 id="gpu-allocations-title" className="jp-Turing-Admin-h2">
          {trans.__('Allocations')}
        </h2>
        <table
          className="jp-Turing-Table"
          aria-labelledby="gpu-allocations-title"
          data-testid="gpu-allocations"
        >
          <thead>
            <tr>
              <th scope="col">{trans.__('Pod')}</th>
              <th scope="col">{trans.__('User')}</th>
              <th scope="col">{trans.__('Workload')}</th>
              <th scope="col">{trans.__('Node')}</th>
              <th scope="col">{trans.__('GPU type')}</th>
              <th scope="col" className="jp-Turing-Admin-numeric">
                {trans.__('GPUs')}
              </th>
            </tr>
          </thead>
          <tbody>
            {usage.allocations.length === 0 && (
              <tr>
                <td className="jp-Turing-Table-empty" colSpan={6}>
                  {trans.__('No GPUs are allocated.')}
                </td>
              </tr>
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
      </section>
    </>
  );
}

/** GPU capacity and allocations: totals, per type, node, user and workload kind, and a stacked chart. */
export function GpusPage(): React.ReactElement {
  const api = useApi();
  const usage = useResource(() => api.gpuUsage(), 'gpus');
  return (
    <>
      <PageHeading title={pageTitle('gpus')}>
        <button
          type="button"
          className="jp-mod-styled jp-Turing-Button"
          data-testid="gpus-reload"
          onClick={() => void usage.reload()}
        >
          {trans.__('Reload')}
        </button>
      </PageHeading>
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
