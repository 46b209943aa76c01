import { z } from 'zod';
import { ownerLabelValue } from '../ownership/ownership.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';

/** Body of `GET /api/v1/me`. */
export const meSchema = z.object({
  name: z.string(),
  kind: z.enum(['user', 'service']),
  admin: z.boolean().meta({ description: 'Holds the Turing admin scope.' }),
  scopes: z.array(z.string()).meta({ description: "The token's scopes as the hub resolved them." }),
  ownerLabel: z
    .string()
    .meta({ description: 'Value of the turing.dev/owner label on objects this user owns.' }),
});

/** `GET {prefix}api/v1/me`: who the caller is, as the hub reports it right now (within the cache TTL). */
export function meRoute(): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: '/api/v1/me',
    operationId: 'getMe',
    summary: 'The caller: name, admin flag, scopes and owner label',
    tags: ['me'],
    auth: 'user',
    response: meSchema,
    handler: ({ identity }) => ({
      name: identity.name,
      kind: identity.kind,
      admin: identity.isAdmin,
      scopes: identity.scopes,
      ownerLabel: ownerLabelValue(identity.name),
    }),
  });
}
