import { z } from 'zod';
import type { Identity } from '../auth/identity.js';
import { Forbidden } from '../errors/index.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import type { Catalog } from './catalog/index.js';
import type { GpuQuota } from './gpu-quota-service.js';
import { serverGpus } from './quota.js';
import { serverNameSchema } from './schemas.js';

/** Body of `POST /api/v1/environments/quota/check`: a spawn the hub is about to make. */
export const quotaCheckBodySchema = z.strictObject({
  user: z.string().min(1).max(255).meta({ description: 'The hub user whose server is starting.' }),
  serverName: serverNameSchema.default('').meta({ description: "The server's name; empty for the default." }),
  userOptions: z.record(z.string(), z.unknown()).default({}).meta({
    description: "The spawner's user_options (`profile`, `gpus`, `gpu_type`), as the hub stores them.",
  }),
});

/** Answer of a check that passed; a refusal is a 403 `gpu-quota-exceeded` problem (quota `gpus`). */
export const quotaCheckResponseSchema = z.object({
  allowed: z.literal(true),
  gpus: z.number().int().meta({ description: 'GPUs the server will hold.' }),
  maxGpus: z.number().int(),
  usedGpus: z
    .number()
    .int()
    .optional()
    .meta({ description: "Held now by the user's other servers and job runs; absent when `gpus` is 0." }),
  remainingGpus: z.number().int().optional(),
});

/**
 * Who may check `user`: Turing admins and hub-proxy's own service token
 * (the hub's `pre_spawn_hook` uses it) for anyone; a user for themselves.
 */
function mayCheck(identity: Identity, user: string, serviceName: string): boolean {
  if (identity.isAdmin) return true;
  if (identity.kind === 'service') return identity.name === serviceName;
  return identity.name === user;
}

/**
 * `POST {prefix}api/v1/environments/quota/check`: may `user` start a server
 * with these user_options? The hub's `pre_spawn_hook` (see
 * helm/turing/files/turing_profiles.py) asks before every spawn, so the
 * hub's own spawn form and REST API cannot bypass the GPU quota that
 * `POST /api/v1/me/server` and job runs enforce. The server's own current
 * GPUs do not count (the hub lists a spawning server as active already).
 */
export function quotaCheckRoute(deps: {
  gpuQuota: GpuQuota;
  catalog: Catalog;
  serviceName: string;
}): RouteDefinition {
  return defineRoute({
    method: 'post',
    path: '/api/v1/environments/quota/check',
    operationId: 'checkSpawnQuota',
    summary: "Check a server start against the user's GPU quota (the hub's pre-spawn hook)",
    description:
      "200 when the server's GPUs fit beside the user's other servers and active job runs; 403 " +
      '`gpu-quota-exceeded` with a message for the spawn page otherwise. Callable by Turing admins and ' +
      "the service's own token for any user, and by users for themselves.",
    tags: ['environments'],
    auth: 'user',
    body: quotaCheckBodySchema,
    response: quotaCheckResponseSchema,
    handler: async ({ identity, body }) => {
      if (!mayCheck(identity, body.user, deps.serviceName)) {
        throw new Forbidden("Only Turing admins and the hub may check another user's quota.");
      }
      const gpus = serverGpus(deps.catalog, body.userOptions);
      const usage = await deps.gpuQuota.assertWithin(body.user, {
        gpus,
        exceptServer: body.serverName,
        for: 'this server',
      });
      return {
        allowed: true as const,
        gpus,
        maxGpus: usage?.maxGpus ?? (await deps.gpuQuota.maxGpus(body.user)),
        ...(usage ? { usedGpus: usage.usedGpus, remainingGpus: usage.remainingGpus } : {}),
      };
    },
  });
}
