import type { ModelView } from '@turing/client';

import type { Translate } from './model-format';
import type { PublishForm } from './publish-form';

/** The Publish dialog's main button, named after what it will do with the traffic. */
export function publishButtonLabel(
  form: Pick<PublishForm, 'rollout'>,
  existing: Pick<ModelView, 'traffic'> | undefined,
  trans: Translate,
): string {
  if (!existing?.traffic) {
    return trans.__('Publish');
  }
  switch (form.rollout) {
    case 'canary':
      return trans.__('Publish as canary');
    case 'none':
      return trans.__('Publish without traffic');
    default:
      return trans.__('Publish and replace');
  }
}
