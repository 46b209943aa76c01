import { z } from 'zod';
import { profileSchema } from './catalog/index.js';

export { profileSchema };

/**
 * Response shapes of the environments API. Routes check their results
 * against these, /api/openapi.json is generated from them, and the view
 * types the service builds are derived from them (`z.input`: what a handler
 * may return).
 */

const rangeSchema = z.object({ default: z.string(), max: z.string() });

/** One catalog environment as the API shows it. */
export const environmentSchema = z.object({
  id: z.string().meta({ description: 'Environment id; the KubeSpawner profile slug.' }),
  displayName: z.string(),
  description: z.string(),
  image: z.string(),
  default: z.boolean().meta({ description: 'The preselected environment.' }),
  versions: z.object({
    python: z.string(),
    cuda: z.string().optional(),
    cudnn: z.string().optional(),
    frameworks: z.record(z.string(), z.string()),
  }),
  gpu: z
    .object({
      vendor: z.string(),
      resource: z.string(),
      counts: z
        .array(z.number().int())
        .meta({ description: 'GPU counts on offer; the first is the default.' }),
      types: z.array(z.string()).meta({ description: 'GPU type ids; the first is the default.' }),
    })
    .optional()
    .meta({ description: 'Absent on CPU-only environments.' }),
  resources: z.object({ cpu: rangeSchema, memory: rangeSchema }),
  tags: z.array(z.string()),
});

/** What a server runs, read back from its user_options. */
export const serverSelectionSchema = z.object({
  environment: z.string(),
  gpus: z.number().int(),
  gpuType: z.string().optional(),
});

/** Free GPUs of one catalog GPU type. */
export const gpuTypeViewSchema = z.object({
  type: z.string().meta({ description: 'The catalog GPU type id.' }),
  displayName: z.string(),
  product: z.string().nullable().meta({ description: 'Its nvidia.com/gpu.product node label value.' }),
  free: z.number().int(),
  allocatable: z.number().int(),
  largestFreeOnOneNode: z.number().int(),
});

/** One active server of the caller. */
export const serverViewSchema = serverSelectionSchema.extend({
  serverName: z.string().meta({ description: '"" is the default server.' }),
  ready: z.boolean(),
  pending: z.string().nullable(),
});

/** Body of `GET /api/v1/environments`. */
export const environmentsSchema = z.object({
  environments: z.array(environmentSchema),
  gpus: z.object({
    available: z
      .boolean()
      .meta({ description: 'False without live cluster data (local runtime, or caches not synced yet).' }),
    types: z.array(gpuTypeViewSchema),
  }),
  quota: z.object({
    maxGpus: z.number().int(),
    usedGpus: z.number().int().meta({ description: 'GPUs held by all of your active servers.' }),
    remainingGpus: z.number().int(),
  }),
  current: serverSelectionSchema
    .optional()
    .meta({ description: "Your default server's selection, if it is active." }),
  servers: z.array(serverViewSchema),
});

/** An environment as the API shows it. */
export type EnvironmentView = z.input<typeof environmentSchema>;
/** Free GPUs of one catalog GPU type. */
export type GpuTypeView = z.input<typeof gpuTypeViewSchema>;
/** What a server runs, read back from its user_options. */
export type ServerSelection = z.input<typeof serverSelectionSchema>;
/** One active server of the caller. */
export type ServerView = z.input<typeof serverViewSchema>;
/** Body of `GET /api/v1/environments`. */
export type EnvironmentsView = z.input<typeof environmentsSchema>;

/** A JupyterHub server name; `''` (or absent) is the default server. */
export const serverNameSchema = z
  .string()
  .max(255)
  .regex(/^$|^[A-Za-z0-9][A-Za-z0-9._~-]*$/, {
    error: 'must be empty (the default server) or letters, digits, ".", "_", "~" and "-"',
  });

/**
 * The `environment` field of a request, documented with the catalog's ids
 * as its `enum`. The services check it against the catalog themselves and
 * answer 400 naming the field, with the ids in the message.
 */
export function environmentIdSchema(catalogIds: readonly string[]) {
  return z
    .string()
    .min(1)
    .meta({ description: 'A catalog environment id.', ...enumOf(catalogIds) });
}

/** A catalog GPU type id, documented like {@link environmentIdSchema}. */
export function gpuTypeIdSchema(catalogIds: readonly string[]) {
  return z
    .string()
    .min(1)
    .meta({
      description: "A catalog GPU type id; absent: the environment's default.",
      ...enumOf(catalogIds),
    });
}

// An empty enum would forbid every value; a catalog without GPU types documents none.
function enumOf(ids: readonly string[]): { enum?: string[] } {
  return ids.length > 0 ? { enum: [...ids] } : {};
}

/** Body of `POST /api/v1/me/server`. */
export const switchServerBodySchema = z.strictObject({
  environment: z.string().min(1).meta({ description: 'A catalog environment id.' }),
  gpus: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: "GPU count; absent: the environment's default (0 on CPU-only)." }),
  gpuType: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "A catalog GPU type id; absent: the environment's default." }),
  serverName: serverNameSchema
    .default('')
    .meta({ description: 'Named server; absent or "": the default server.' }),
});

/** Body of the 202 answer of `POST /api/v1/me/server`. */
export const switchServerResponseSchema = z.object({
  serverName: z.string(),
  environment: z.string(),
  gpus: z.number().int(),
  gpuType: z.string().optional(),
  userOptions: z
    .record(z.string(), z.string())
    .meta({ description: 'The user_options the hub starts it with.' }),
  restarted: z.boolean().meta({ description: 'A running server was stopped first.' }),
  progressUrl: z.string().meta({ description: 'GET it for the start progress (text/event-stream).' }),
});

/** What the caller asks for (`POST /api/v1/me/server`). */
export type SwitchRequest = z.input<typeof switchServerBodySchema> & { serverName: string };
/** What was done: the server is (re)starting with these options. */
export type SwitchResult = z.output<typeof switchServerResponseSchema>;
