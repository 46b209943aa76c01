import type { Identity } from '../identity.js';

/**
 * A hub user who authenticated with a token and holds neither the hub's admin
 * flag nor Turing's admin scope; `fields` override any of that.
 */
export function userIdentity(name: string, fields: Partial<Identity> = {}): Identity {
  return { name, kind: 'user', hubAdmin: false, scopes: [], isAdmin: false, via: 'token', ...fields };
}

/** The plain user most unit tests act as. */
export const alice: Identity = userIdentity('alice');

/** A second plain user, for what one user must not see of another's. */
export const bob: Identity = userIdentity('bob');

/** A Turing admin (`isAdmin`), named `root`, who is not the hub's admin. */
export const admin: Identity = userIdentity('root', { isAdmin: true });
