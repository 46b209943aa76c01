import type { TranslationBundle } from '@jupyterlab/translation';
import type { IModelsClient, ModelView } from '@turing/client';
import { ErrorMessage, usePolling } from '@turing/ui';
import React from 'react';

import { formatMs, formatRate } from './labels';
import { layoutSparkline } from './sparkline';

const WIDTH = 100;
const HEIGHT = 24;

/** Props of {@link Sparkline}. */
export interface SparklineProps {
  values: readonly number[];
  /** The (translated) name of the series. */
  label: string;
  /** Formats a value for display. */
  format: (value: number) => string;
  testId: string;
  trans: TranslationBundle;
}

/** A small line chart of a series with its latest value. */
export function Sparkline({ values, label, format, testId, trans }: SparklineProps): React.ReactElement {
  const { points, max, last } = layoutSparkline(values, WIDTH, HEIGHT);
  const summary =
    last === undefined
      ? trans.__('%1: no data yet', label)
      : trans.__('%1: %2 now, at most %3', label, format(last), format(max));
  return (
    <figure className="jp-Turing-Models-sparkline" data-testid={testId} data-last={last ?? ''}>
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        width="100%"
        height={HEIGHT}
      >
        {points && (
          <polyline
            points={points}
            fill="none"
            stroke="var(--jp-brand-color1)"
            strokeWidth={1.5}
            vectorEffect="non-scaling-stroke"
          />
        )}
      </svg>
      <figcaption className="jp-Turing-Models-sparklineCaption">
        <span>{label}</span>
        <span>{last === undefined ? '–' : format(last)}</span>
      </figcaption>
    </figure>
  );
}

/** Props of {@link ModelStatsView}. */
export interface ModelStatsViewProps {
  models: IModelsClient;
  model: ModelView;
  /** Milliseconds between refreshes. */
  pollMs: number;
  /** Whether the panel is shown (polling pauses while it is not). */
  isVisible: () => boolean;
  trans: TranslationBundle;
}

/** Live request rate and p95 latency through the gateway, refreshed while shown. */
export function ModelStatsView({
  models,
  model,
  pollMs,
  isVisible,
  trans,
}: ModelStatsViewProps): React.ReactElement {
  const stats = usePolling(
    `stats:${model.name}`,
    () => models.stats(model.name),
    () => pollMs,
    () => !isVisible(),
  );
  const points = stats.data?.points ?? [];
  const errors = points.reduce((sum, p) => sum + p.errors, 0);
  return (
    <div className="jp-Turing-Models-stats" data-testid="model-stats">
      {stats.error && <ErrorMessage error={stats.error} trans={trans} />}
      <div className="jp-Turing-Models-sparklines">
        <Sparkline
          values={points.map((p) => p.requestsPerSecond)}
          label={trans.__('Requests')}
          format={(v) => formatRate(v, trans)}
          testId="model-stats-rate"
          trans={trans}
        />
        <Sparkline
          values={points.map((p) => p.p95Ms)}
          label={trans.__('p95')}
          format={(v) => formatMs(v, trans)}
          testId="model-stats-p95"
          trans={trans}
        />
      </div>
      {errors > 0 && (
        <div className="jp-Turing-Warning" data-testid="model-stats-errors">
          {trans._n('%1 failed request in this window', '%1 failed requests in this window', errors)}
        </div>
      )}
    </div>
  );
}
