import type { Identity } from '../auth/identity.js';
import { Forbidden } from '../errors/index.js';
import type { ModelSpec } from './model.js';

/**
 * `edited` with `disabled` as `caller` asks (undefined: unchanged). An
 * admin's disable is recorded as such (`disabledBy: 'admin'`), so the
 * gateway can say so and the owner cannot simply undo it: only an admin
 * may enable that model again. An admin disabling a model its owner
 * already disabled takes the decision over.
 */
export function withDisabled(
  caller: Pick<Identity, 'isAdmin'>,
  edited: ModelSpec,
  wanted: boolean | undefined,
): ModelSpec {
  const { disabledBy: current, ...rest } = edited;
  if (wanted === undefined) return edited;
  if (!wanted) {
    if (edited.disabled && current === 'admin' && !caller.isAdmin) {
      throw new Forbidden(`Model ${edited.name} was disabled by an admin; ask an admin to enable it.`);
    }
    return { ...rest, disabled: false };
  }
  const by = caller.isAdmin || current === 'admin' ? 'admin' : 'owner';
  return { ...rest, disabled: true, disabledBy: by };
}
