import type { Identity } from '../auth/identity.js';
import type { ModelSpec } from './model.js';

/**
 * May `caller` (a hub user, with their hub groups) call the model through
 * the hub-side gateway? Its owner and Turing admins always may; others when
 * named, or in a named group.
 */
export function mayCall(
  caller: Pick<Identity, 'name' | 'isAdmin'>,
  groups: readonly string[],
  spec: ModelSpec,
): boolean {
  if (caller.name === spec.owner || caller.isAdmin) return true;
  if (spec.access.users.includes(caller.name)) return true;
  return spec.access.groups.some((g) => groups.includes(g));
}

/** May `caller` see and change the model (its owner, or an admin)? */
export function mayManage(caller: Pick<Identity, 'name' | 'isAdmin'>, spec: ModelSpec): boolean {
  return caller.name === spec.owner || caller.isAdmin;
}
