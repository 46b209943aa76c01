import React from 'react';

import { WORKLOAD_KINDS } from '../../api/types';
import { trans } from '../../app/translation';
import type { StackRow } from './chart-stacks';
import { stackBars } from './chart-stacks';
import { kindLabel } from './workload-kinds';
import { WorkloadTable } from './workload-table';

/** Props of {@link StackedBarChart}. */
export interface StackedBarChartProps {
  rows: StackRow[];
  /** The (translated) chart title; also the name of its table equivalent. */
  title: string;
  /** The header of the label column ("GPU type", "User"). */
  labelHeader: string;
  testId: string;
}

const LABEL_WIDTH = 160;
const BAR_WIDTH = 520;
const ROW_HEIGHT = 28;
const BAR_HEIGHT = 18;

/**
 * GPUs as horizontal bars stacked by workload kind (SVG attributes only; the
 * colors are classes, so the CSP's `style-src 'self'` holds), a capacity mark
 * where there is one, a text legend, and the same numbers as a table for
 * screen readers and for reading exact values.
 */
export function StackedBarChart({
  rows,
  title,
  labelHeader,
  testId,
}: StackedBarChartProps): React.ReactElement {
  const { bars, scale } = stackBars(rows);
  const height = Math.max(1, bars.length) * ROW_HEIGHT + 20;
  const width = LABEL_WIDTH + BAR_WIDTH + 60;
  return (
    <figure className="jp-Turing-Admin-chart" data-testid={testId}>
      <figcaption className="jp-Turing-Admin-h3">{title}</figcaption>
      <ul className="jp-Turing-Admin-legend" aria-label={trans.__('Legend')}>
        {WORKLOAD_KINDS.map((kind) => (
          <li key={kind}>
            <svg width="12" height="12" aria-hidden="true" focusable="false">
              <rect width="12" height="12" className={`jp-Turing-Admin-kind-${kind}`} />
            </svg>
            {kindLabel(kind)}
          </li>
        ))}
        <li>
          <svg width="12" height="12" aria-hidden="true" focusable="false">
            <line x1="6" y1="0" x2="6" y2="12" className="jp-Turing-Admin-capacity" />
          </svg>
          {trans.__('Capacity')}
        </li>
      </ul>
      <svg
        className="jp-Turing-Admin-chartSvg"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        aria-hidden="true"
        focusable="false"
      >
        {bars.map((bar, index) => {
          const y = index * ROW_HEIGHT + 4;
          return (
            <g key={bar.label} data-label={bar.label}>
              <text
                x={LABEL_WIDTH - 8}
                y={y + BAR_HEIGHT - 5}
                textAnchor="end"
                className="jp-Turing-Admin-chartText"
              >
                {bar.label}
              </text>
              <rect
                x={LABEL_WIDTH}
                y={y}
                width={BAR_WIDTH}
                height={BAR_HEIGHT}
                className="jp-Turing-Admin-chartTrack"
              />
              {bar.segments.map((segment) => (
                <rect
                  key={segment.kind}
                  x={LABEL_WIDTH + segment.x * BAR_WIDTH}
                  y={y}
                  width={segment.width * BAR_WIDTH}
                  height={BAR_HEIGHT}
                  className={`jp-Turing-Admin-kind-${segment.kind}`}
                  data-kind={segment.kind}
                  data-value={segment.value}
                />
              ))}
              {bar.capacityX !== undefined && (
                <line
                  x1={LABEL_WIDTH + bar.capacityX * BAR_WIDTH}
                  x2={LABEL_WIDTH + bar.capacityX * BAR_WIDTH}
                  y1={y - 3}
                  y2={y + BAR_HEIGHT + 3}
                  className="jp-Turing-Admin-capacity"
                />
              )}
              <text
                x={LABEL_WIDTH + BAR_WIDTH + 8}
                y={y + BAR_HEIGHT - 5}
                className="jp-Turing-Admin-chartText"
              >
                {bar.capacity === undefined ? String(bar.total) : `${bar.total}/${bar.capacity}`}
              </text>
            </g>
          );
        })}
        <text x={LABEL_WIDTH} y={height - 2} className="jp-Turing-Admin-chartText">
          0
        </text>
        <text
          x={LABEL_WIDTH + BAR_WIDTH}
          y={height - 2}
          textAnchor="end"
          className="jp-Turing-Admin-chartText"
        >
          {String(scale)}
        </text>
      </svg>
      <WorkloadTable
        labelHeader={labelHeader}
        rows={rows.map((row, index) => {
          const total = bars[index]?.total ?? 0;
          return {
            label: row.label,
            values: row.values,
            total: row.capacity === undefined ? total : trans.__('%1 of %2', total, row.capacity),
          };
        })}
        name={{ label: trans.__('%1 (table)', title) }}
        testId={`${testId}-table`}
      />
    </figure>
  );
}
