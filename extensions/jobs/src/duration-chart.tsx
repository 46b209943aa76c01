import type { TranslationBundle } from '@jupyterlab/translation';
import type { Run } from '@turing/client';
import React from 'react';

import type { Outcome } from './chart-scale';
import { layoutDurationChart } from './chart-scale';
import { formatDuration } from './format';
import { runStateLabel } from './labels';

/** Props of {@link DurationChart}. */
export interface DurationChartProps {
  jobName: string;
  runs: readonly Run[];
  trans: TranslationBundle;
  /** The newest runs to draw. */
  maxBars?: number;
}

const WIDTH = 240;
const HEIGHT = 60;

/** The theme color of each outcome. */
const FILL: Record<Outcome, string> = {
  success: 'var(--jp-success-color1)',
  failure: 'var(--jp-error-color1)',
  timeout: 'var(--jp-warn-color1)',
  cancelled: 'var(--jp-layout-color4)',
};

/** Run durations over the job's history, one bar per finished run colored by outcome. */
export function DurationChart({
  jobName,
  runs,
  trans,
  maxBars = 30,
}: DurationChartProps): React.ReactElement | null {
  const { bars, maxSeconds } = layoutDurationChart(runs, { width: WIDTH, height: HEIGHT, maxBars });
  if (bars.length === 0) {
    return null;
  }
  const counts = {
    success: bars.filter((b) => b.outcome === 'success').length,
    failure: bars.filter((b) => b.outcome !== 'success').length,
  };
  const title = trans.__(
    'Durations of the last %1 runs of %2: %3 succeeded, %4 did not; longest %5',
    bars.length,
    jobName,
    counts.success,
    counts.failure,
    formatDuration(maxSeconds, trans),
  );
  const titleId = `jp-Turing-Jobs-chart-${jobName}`;
  return (
    <figure className="jp-Turing-Jobs-chart">
      <svg
        role="img"
        aria-labelledby={titleId}
        data-testid="duration-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        width="100%"
        height={HEIGHT}
      >
        <title id={titleId}>{title}</title>
        <line x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} stroke="var(--jp-border-color2)" />
        {bars.map((bar) => (
          <rect
            key={bar.run.id}
            x={bar.x}
            y={bar.y}
            width={bar.width}
            height={bar.height}
            fill={FILL[bar.outcome]}
            data-outcome={bar.outcome}
          >
            <title>
              {trans.__(
                '%1: %2, %3',
                bar.run.id,
                runStateLabel(bar.run.state, trans),
                formatDuration(bar.seconds, trans),
              )}
            </title>
          </rect>
        ))}
      </svg>
      <figcaption className="jp-Turing-Jobs-chartCaption">
        {trans.__('Run durations (longest %1)', formatDuration(maxSeconds, trans))}
      </figcaption>
    </figure>
  );
}
