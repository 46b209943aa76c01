import type { TranslationBundle } from '@jupyterlab/translation';

import type { SwitchStatus } from './switch-flow';

/** The part of a translation bundle the announcements use. */
export type Translate = Pick<TranslationBundle, '__'>;

/** A screen-reader announcement of a switch step. */
export interface SwitchAnnouncement {
  /** The step it announces; a new announcement is made only when this changes. */
  key: SwitchStatus['step'];
  message: string;
  politeness: 'polite' | 'assertive';
}

/**
 * What to announce for a switch or new-server status: one message per step
 * (not per progress event), failures assertively.
 */
export function switchAnnouncement(
  status: SwitchStatus,
  environmentName: string,
  trans: Translate,
): SwitchAnnouncement {
  const polite = (message: string): SwitchAnnouncement => ({
    key: status.step,
    message,
    politeness: 'polite',
  });
  switch (status.step) {
    case 'saving':
      return polite(trans.__('Saving open documents'));
    case 'stopping':
      return polite(trans.__('Stopping the server'));
    case 'starting':
      return polite(trans.__('Starting with %1', environmentName));
    case 'ready':
      return polite(trans.__('Ready: the server runs %1', environmentName));
    case 'failed':
      return {
        key: status.step,
        message: trans.__('The server failed to start: %1', status.message),
        politeness: 'assertive',
      };
    case 'error':
      return {
        key: status.step,
        message: trans.__('The switch failed: %1', status.error.title),
        politeness: 'assertive',
      };
  }
}
