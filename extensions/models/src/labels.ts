import type { ModelPhase, ModelRuntimeChoice, ModelVersionSource, ServingRuntime } from '@turing/client';
import type { StatusTone } from '@turing/ui';

import type { Translate } from './model-format';
import { runtimeKey } from './publish-form';

/** The displayed name of a model phase. */
export function phaseLabel(phase: ModelPhase, trans: Translate): string {
  switch (phase) {
    case 'Ready':
      return trans.__('ready');
    case 'Pending':
      return trans.__('pending');
    case 'Degraded':
      return trans.__('degraded');
    case 'Failed':
      return trans.__('failed');
    case 'Disabled':
      return trans.__('disabled');
    default:
      return String(phase);
  }
}

const PHASE_TONES: Record<ModelPhase, StatusTone> = {
  Ready: 'success',
  Pending: 'active',
  Degraded: 'warn',
  Failed: 'error',
  Disabled: 'muted',
};

/** The badge color of a model phase. */
export function phaseTone(phase: ModelPhase): StatusTone {
  return PHASE_TONES[phase] ?? 'muted';
}

/** A runtime for display: the catalog's label when it lists it, else `kind version (GPU)`. */
export function runtimeLabel(
  runtime: ModelRuntimeChoice,
  catalog: readonly ServingRuntime[] | null,
  trans: Translate,
): string {
  const listed = catalog?.find((r) => runtimeKey(r) === runtimeKey(runtime));
  if (listed) {
    return listed.label;
  }
  const name = runtime.kind === 'tfserving' ? 'TF Serving' : 'MLServer';
  return runtime.gpu ? trans.__('%1 %2 (GPU)', name, runtime.version) : `${name} ${runtime.version}`;
}

/** Where a version came from, for display. */
export function versionSourceLabel(source: ModelVersionSource, trans: Translate): string {
  return source.kind === 'job'
    ? trans.__('from job %1 (run %2)', source.job, source.run)
    : trans.__('uploaded by %1', source.by);
}

/** Milliseconds for display: `0.8 ms`, `12 ms`, `1.3 s`. */
export function formatMs(ms: number, trans: Translate): string {
  if (ms >= 1000) {
    return trans.__('%1 s', (ms / 1000).toFixed(1));
  }
  return trans.__('%1 ms', ms < 10 ? ms.toFixed(1) : Math.round(ms));
}

/** A request rate for display: `0.5/s`, `12/s`. */
export function formatRate(perSecond: number, trans: Translate): string {
  return trans.__('%1/s', perSecond < 10 ? Number(perSecond.toFixed(1)) : Math.round(perSecond));
}
