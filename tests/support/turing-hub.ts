import { createHmac } from 'node:crypto';
import { JupyterHub, type HubServiceSpec } from './jupyterhub.js';
import { registerSecret } from './secrets-scan.js';

/** The scope every Turing user needs. */
export const ACCESS_SCOPE = 'access:services!service=turing';
/** The custom scope of Turing admins. */
export const ADMIN_SCOPE = 'custom:turing:admin';

/**
 * Scopes of the `turing` service's own token (docs/operations.md): read
 * users' server models including `user_options` (`read:servers`), start and
 * stop them (`servers`), read users' hub groups for group quotas
 * (`read:users:groups`), and the access scope so the hub's `profile_list`
 * callable may fetch `/api/v1/environments/profiles` with this token.
 */
export const TURING_SERVICE_SCOPES = ['servers', 'read:servers', 'read:users:groups', ACCESS_SCOPE];

/** How hub-proxy is registered: external (`url`) or managed (`url` plus `command`). */
export type TuringServiceSpec = Pick<HubServiceSpec, 'url' | 'command' | 'environment'> & {
  apiToken: string;
};

/**
 * A JupyterHub configured the way docs/operations.md describes: hub-proxy
 * registered as the `turing` service, the admin custom scope, and roles that
 * grant access. By default every user gets access (the `user` role is
 * extended); pass `accessGroups` to grant it to group members only.
 */
export function turingHub(
  service: TuringServiceSpec,
  options: {
    accessGroups?: Record<string, string[]>;
    admins?: string[];
    /** Python appended to the hub config (e.g. a spawner, the profile_list snippet). */
    extraConfig?: string;
    /** Extra environment variables for the hub process. */
    env?: Record<string, string>;
  } = {},
): JupyterHub {
  // hub-proxy's default run-token signing key, derived from its service token (jobs/feature.ts).
  registerSecret(
    'run-token-secret',
    createHmac('sha256', service.apiToken).update('turing run tokens').digest('hex'),
  );
  const admins = options.admins ?? ['admin'];
  const userRole = options.accessGroups
    ? { name: 'turing-users', scopes: [ACCESS_SCOPE], groups: Object.keys(options.accessGroups) }
    : { name: 'user', scopes: ['self', ACCESS_SCOPE] };
  return new JupyterHub({
    adminUsers: admins,
    services: [
      {
        name: 'turing',
        ...service,
        oauthNoConfirm: true,
        // Lets OAuth tokens carry the admin scope for users who hold it.
        oauthClientAllowedScopes: [ADMIN_SCOPE],
        scopes: TURING_SERVICE_SCOPES,
      },
    ],
    customScopes: { [ADMIN_SCOPE]: 'Administer Turing' },
    ...(options.accessGroups ? { groups: options.accessGroups } : {}),
    roles: [userRole, { name: 'turing-admins', scopes: [ACCESS_SCOPE, ADMIN_SCOPE], users: admins }],
    ...(options.extraConfig ? { extraConfig: options.extraConfig } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
}
