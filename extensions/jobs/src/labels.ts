import type { TranslationBundle } from '@jupyterlab/translation';
import type { JobState, RunState, RunTrigger } from '@turing/client';
import type { StatusTone } from '@turing/ui';

/** The displayed name of a job state. */
export function jobStateLabel(state: JobState, trans: TranslationBundle): string {
  switch (state) {
    case 'scheduled':
      return trans.__('scheduled');
    case 'paused':
      return trans.__('paused');
    default:
      return trans.__('on demand');
  }
}

/** The badge color of a job state: scheduled is good, paused a warning, on demand neutral. */
export function jobStateTone(state: JobState): StatusTone {
  return state === 'scheduled' ? 'success' : state === 'paused' ? 'warn' : 'muted';
}

/** The displayed name of a run state. */
export function runStateLabel(state: RunState, trans: TranslationBundle): string {
  switch (state) {
    case 'queued':
      return trans.__('queued');
    case 'running':
      return trans.__('running');
    case 'succeeded':
      return trans.__('succeeded');
    case 'failed':
      return trans.__('failed');
    case 'cancelled':
      return trans.__('cancelled');
    case 'timed_out':
      return trans.__('timed out');
    default:
      return String(state);
  }
}

const RUN_STATE_TONES: Record<RunState, StatusTone> = {
  queued: 'active',
  running: 'active',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'muted',
  timed_out: 'warn',
};

/** The badge color of a run state. */
export function runStateTone(state: RunState): StatusTone {
  return RUN_STATE_TONES[state] ?? 'muted';
}

/** What started a run, for display. */
export function triggerLabel(trigger: RunTrigger, trans: TranslationBundle): string {
  switch (trigger) {
    case 'schedule':
      return trans.__('schedule');
    case 'dependency':
      return trans.__('dependency');
    default:
      return trans.__('manual');
  }
}
