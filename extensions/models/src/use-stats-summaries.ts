import type { IModelsClient } from '@turing/client';
import { usePolling } from '@turing/ui';

import type { StatsSummary } from './model-rows';
import { summarizeStats } from './model-rows';

/** Models whose stats one refresh reads at most: the table shows the rest as unknown. */
const MAX_MODELS = 100;

/**
 * The latest request rate and p95 latency of each named model, refreshed
 * every `pollMs` while not `paused()`. A model whose stats fail to load
 * shows no figures rather than failing the table.
 */
export function useStatsSummaries(
  models: IModelsClient,
  names: readonly string[],
  pollMs: number,
  paused: () => boolean,
): ReadonlyMap<string, StatsSummary> {
  const wanted = names.slice(0, MAX_MODELS);
  const polled = usePolling(
    wanted.length === 0 ? null : `stats:${wanted.join('\n')}`,
    async () => {
      const answers = await Promise.all(
        wanted.map((name) =>
          models.stats(name).then(
            (stats) => [name, summarizeStats(stats)] as const,
            () => [name, summarizeStats(undefined)] as const,
          ),
        ),
      );
      return new Map<string, StatsSummary>(answers);
    },
    () => pollMs,
    paused,
  );
  return polled.data ?? new Map();
}
