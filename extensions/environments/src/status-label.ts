import type { TranslationBundle } from '@jupyterlab/translation';
import type { CurrentServer, Environment } from '@turing/client';

/** The part of a translation bundle the label uses. */
export type Translate = Pick<TranslationBundle, '__' | '_n'>;

/** The text and accessible name of the status-bar environment item. */
export interface StatusLabel {
  /** Shown in the status bar: the environment, with its GPUs if any. */
  text: string;
  /** The button's accessible name (contains `text`, so speech input can say what is seen). */
  name: string;
}

/**
 * The status-bar label for the server's current environment: its display
 * name (else its id, else "unknown"), then the GPU count when it has GPUs.
 */
export function statusLabel(
  current: CurrentServer | undefined,
  environments: readonly Environment[],
  loading: boolean,
  trans: Translate,
): StatusLabel {
  let text: string;
  if (loading && !current) {
    text = trans.__('loading…');
  } else {
    const env = environments.find((e) => e.id === current?.environment);
    text = env?.displayName ?? current?.environment ?? trans.__('unknown');
    if (current?.gpus) {
      text = trans.__('%1, %2', text, trans._n('%1 GPU', '%1 GPUs', current.gpus));
    }
  }
  return { text, name: trans.__('Environment: %1. Open the Environments panel', text) };
}
