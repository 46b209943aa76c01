/** Who a request is from, as the hub reports it for the presented token. */
export interface HubIdentity {
  name: string;
  /** `user` for people, `service` for hub services (e.g. CI). */
  kind: 'user' | 'service';
  /** The hub's own admin flag (not Turing's admin scope). */
  hubAdmin: boolean;
  /** The token's expanded scopes, already intersected with the owner's current roles. */
  scopes: string[];
  /** The user's hub groups, when the token may read them. */
  groups?: string[];
}

/** A {@link HubIdentity} checked against Turing's scopes. */
export interface Identity extends HubIdentity {
  /** Holds the configured admin scope (`custom:turing:admin`). */
  isAdmin: boolean;
  /** How the request authenticated; cookie requests are subject to the CSRF rule. */
  via: 'token' | 'cookie';
}

/**
 * True if `scopes` grants `wanted`: the exact scope, or, for a filtered scope
 * such as `access:services!service=turing`, its unfiltered (broader) form.
 */
export function hasScope(scopes: readonly string[], wanted: string): boolean {
  if (scopes.includes(wanted)) return true;
  const bang = wanted.indexOf('!');
  return bang > 0 && scopes.includes(wanted.slice(0, bang));
}
