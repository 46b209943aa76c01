import type { TranslationBundle } from '@jupyterlab/translation';
import type { Run } from '@turing/client';
import React, { useId } from 'react';

import type { DurationSummary, Outcome } from './chart-scale';
import { layoutDurationChart, summariseDurations } from './chart-scale';
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

/** The chart in words: "1 run: failed after 12 s", or the median and the last of several. */
export function describeDurations(summary: DurationSummary, trans: TranslationBundle): string {
  const { count, succeeded, medianSeconds, last } = summary;
  const lastText = trans.__(
    '%1 after %2',
    runStateLabel(last.run.state, trans),
    formatDuration(last.seconds, trans),
  );
  if (count === 1) {
    return trans.__('1 run: %1', lastText);
  }
  return trans.__(
    '%1 runs, %2 succeeded: median %3, last %4',
    count,
    succeeded,
    formatDuration(medianSeconds, trans),
    lastText,
  );
}

/** Run durations over the job's history, one bar per finished run colored by outcome, and a summary in words. */
export function DurationChart({
  jobName,
  runs,
  trans,
  maxBars = 30,
}: DurationChartProps): React.ReactElement | null {
  // Unique per instance: the panel and the main area may chart the same job.
  const titleId = `jp-Turing-Jobs-chart-${useId().replace(/:/g, '')}`;
  const { bars, maxSeconds } = layoutDurationChart(runs, { width: WIDTH, height: HEIGHT, maxBars });
  if (bars.length === 0) {
    return null;
  }
  const summary = summariseDurations(runs, maxBars);
  const words = summary ? describeDurations(summary, trans) : '';
  const title = trans.__(
    'Durations of the runs of %1: %2; longest %3',
    jobName,
    words,
    formatDuration(maxSeconds, trans),
  );
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
      <figcaption className="jp-Turing-Jobs-chartCaption" data-testid="duration-summary">
        {words}
      </figcaption>
    </figure>
  );
}
