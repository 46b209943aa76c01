import type { ModelView } from '@turing/client';

import { phaseLabel } from './labels';
import type { Translate } from './model-format';

/** What was last seen of a model's state, by model name. */
export type PhaseSnapshot = ReadonlyMap<string, { phase: string; ready: number; desired: number }>;

/** The snapshot of a list of models. */
export function snapshotOf(models: readonly ModelView[]): PhaseSnapshot {
  return new Map(
    models.map((m) => [
      m.name,
      { phase: m.status.phase, ready: m.status.readyReplicas, desired: m.status.replicas },
    ]),
  );
}

/**
 * What a screen reader should hear about models whose phase or ready
 * replicas changed since `before`; nothing on the first load (`null`).
 */
export function phaseChanges(
  before: PhaseSnapshot | null,
  models: readonly ModelView[],
  trans: Translate,
): string[] {
  if (!before) {
    return [];
  }
  const messages: string[] = [];
  for (const model of models) {
    const was = before.get(model.name);
    const { phase, readyReplicas, replicas } = model.status;
    if (!was) {
      messages.push(trans.__('Model %1 added: %2.', model.name, phaseLabel(phase, trans)));
    } else if (was.phase !== phase) {
      messages.push(
        trans.__(
          'Model %1 is %2, %3 of %4 replicas ready.',
          model.name,
          phaseLabel(phase, trans),
          readyReplicas,
          replicas,
        ),
      );
    } else if (was.ready !== readyReplicas || was.desired !== replicas) {
      messages.push(trans.__('Model %1: %2 of %3 replicas ready.', model.name, readyReplicas, replicas));
    }
  }
  return messages;
}
