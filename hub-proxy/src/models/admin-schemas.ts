import { z } from 'zod';
import { apiKeyViewSchema, modelSchema, modelStatusSchema } from './schemas.js';

/**
 * `GET /api/v1/admin/models`: every user's models as the admin page shows
 * them. Each is the model view plus its state, ready replicas, the
 * gateway's figures for the last minute and its API keys' metadata.
 */

export const adminModelsQuerySchema = z.object({
  user: z.string().min(1).max(256).optional().meta({ description: "Only this hub user's models." }),
});

/** What this hub-proxy replica's gateway saw of the model in about the last minute. */
export const gatewayWindowSchema = z
  .object({
    requests: z.number().int().min(0).meta({ description: 'Calls that finished in the window.' }),
    requestsPerSecond: z.number().min(0),
    p50Ms: z
      .number()
      .nullable()
      .meta({ description: 'Median latency (upper edge of its bin); null without calls.' }),
    p95Ms: z.number().nullable().meta({ description: '95th percentile latency; null without calls.' }),
    errorRate: z
      .number()
      .min(0)
      .max(1)
      .meta({ description: "Share of calls answered with a 5xx status, the gateway's own included." }),
  })
  .meta({
    description:
      'From the gateway of the replica that answered; 50 to 60 seconds, the current 10 s bucket included.',
  });

/** An API key's metadata: never the key or its hash. */
export const adminApiKeySchema = apiKeyViewSchema.extend({
  name: z.string().meta({ description: 'The label given at creation (same as `label`).' }),
});

export const adminModelSchema = modelSchema.extend({
  state: modelStatusSchema.shape.phase,
  readyReplicas: z.number().int(),
  apiKeys: z.array(adminApiKeySchema),
  gateway: gatewayWindowSchema,
});

export const adminModelListSchema = z.object({ items: z.array(adminModelSchema) });
