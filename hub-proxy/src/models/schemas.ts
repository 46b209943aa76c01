import { z } from 'zod';
import { parseQuantity } from '../k8s/quantity.js';

/**
 * The models API at the edge: request bodies validated here, responses
 * documented from the same schemas (OpenAPI).
 */

/** Longest model name: `model-<name>` stays a DNS label with room for pod suffixes. */
export const MODEL_NAME_MAX = 40;
const MODEL_NAME_PATTERN = new RegExp(`^[a-z](?:[a-z0-9-]{0,${MODEL_NAME_MAX - 2}}[a-z0-9])?$`);

// `GET /api/v1/models/runtimes` would hide a model of that name.
const RESERVED_NAMES = new Set(['runtimes']);

/** A model name: unique across users, since it names the gateway URL. */
export const modelNameSchema = z
  .string()
  .regex(MODEL_NAME_PATTERN, {
    error: `must be 1-${MODEL_NAME_MAX} lowercase letters, digits or "-", start with a letter and not end with "-" (e.g. "ctr-xgb")`,
  })
  .refine((name) => !RESERVED_NAMES.has(name), { error: 'is reserved; pick another name' })
  .meta({ description: 'Unique across users: it names the gateway URL.', example: 'ctr-xgb' });

const quantity = (examples: string) =>
  z.string().refine((text) => (parseQuantity(text) ?? 0) > 0, {
    error: `must be a positive Kubernetes quantity such as ${examples}`,
  });

const hubName = z.string().min(1).max(255);

export const modelAccessSchema = z.strictObject({
  users: z.array(hubName).max(100).default([]).meta({ description: 'Hub users allowed besides you.' }),
  groups: z
    .array(hubName)
    .max(100)
    .default([])
    .meta({ description: 'Hub groups whose members are allowed.' }),
  apiKeys: z
    .boolean()
    .default(false)
    .meta({ description: 'API key holders may call it (in-cluster listener).' }),
});

export const modelResourcesSchema = z.strictObject({
  cpu: quantity('"500m" or "2"').default('1'),
  memory: quantity('"512Mi" or "2Gi"').default('1Gi'),
  gpu: z.number().int().min(0).max(8).default(0),
  gpuType: z.string().min(1).optional().meta({ description: 'A catalog GPU type id, e.g. "t4".' }),
});

export const replicasSchema = z
  // min 0 would be refused by the ModelServer CRD; disabling is how a model goes to zero.
  .strictObject({ min: z.number().int().min(1).max(1000), max: z.number().int().min(1).max(1000) })
  .refine((r) => r.min <= r.max, { error: 'min must not exceed max', path: ['min'] });

export const runtimeChoiceSchema = z.strictObject({
  kind: z.enum(['tfserving', 'mlserver']),
  version: z.string().min(1).max(40),
  gpu: z.boolean().default(false),
});

export const createModelBodySchema = z.strictObject({
  name: modelNameSchema,
  runtime: runtimeChoiceSchema,
  replicas: replicasSchema.default({ min: 1, max: 1 }),
  resources: modelResourcesSchema.default({ cpu: '1', memory: '1Gi', gpu: 0 }),
  access: modelAccessSchema.default({ users: [], groups: [], apiKeys: false }),
});

export const patchModelBodySchema = z.strictObject({
  runtime: runtimeChoiceSchema.optional(),
  replicas: replicasSchema.optional(),
  resources: modelResourcesSchema.optional(),
  access: modelAccessSchema.optional(),
  disabled: z.boolean().optional(),
});

export const trafficSchema = z.strictObject({
  stable: z.number().int().min(1),
  canary: z.number().int().min(1).optional(),
  canaryPercent: z.number().int().min(0).max(100).default(0),
});

export const rolloutSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('replace') }),
    z.strictObject({ kind: z.literal('canary'), percent: z.number().int().min(1).max(99) }),
    z.strictObject({ kind: z.literal('none') }),
  ])
  .meta({ description: 'What the new version does: takes all traffic, becomes a canary, or waits.' });

const tensorSpecSchema = z.object({
  name: z.string(),
  dtype: z.string(),
  shape: z.array(z.number().int()).nullable(),
});

export const modelVersionSchema = z.object({
  version: z.number().int(),
  format: z.enum(['tensorflow', 'xgboost', 'sklearn']),
  modelFile: z.string().optional(),
  files: z.array(z.object({ path: z.string(), sizeBytes: z.number().int() })),
  sizeBytes: z.number().int(),
  signature: z
    .object({ name: z.string(), inputs: z.array(tensorSpecSchema), outputs: z.array(tensorSpecSchema) })
    .optional(),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('upload'), by: z.string() }),
    z.object({ kind: z.literal('job'), job: z.string(), run: z.string() }),
  ]),
  createdAt: z.string(),
});

const trafficViewSchema = z.object({
  stable: z.number().int(),
  canary: z.number().int().optional(),
  canaryPercent: z.number().int(),
});

export const modelStatusSchema = z.object({
  phase: z.enum(['Pending', 'Ready', 'Degraded', 'Failed', 'Disabled']),
  replicas: z.number().int(),
  readyReplicas: z.number().int(),
  servingVersions: z.array(z.number().int()),
  message: z.string().optional(),
  updatedAt: z.string().optional(),
});

export const apiKeyViewSchema = z.object({ id: z.string(), label: z.string(), createdAt: z.string() });

export const modelSchema = z.object({
  name: z.string(),
  owner: z.string(),
  runtime: z.object({ kind: z.enum(['tfserving', 'mlserver']), version: z.string(), gpu: z.boolean() }),
  format: z.enum(['tensorflow', 'xgboost', 'sklearn']).optional(),
  replicas: z.object({ min: z.number().int(), max: z.number().int() }),
  resources: z.object({
    cpu: z.string(),
    memory: z.string(),
    gpu: z.number().int(),
    gpuType: z.string().optional(),
  }),
  access: z.object({ users: z.array(z.string()), groups: z.array(z.string()), apiKeys: z.boolean() }),
  apiKeys: z.array(apiKeyViewSchema),
  versions: z.array(modelVersionSchema),
  traffic: trafficViewSchema.optional(),
  previousTraffic: trafficViewSchema.optional(),
  disabled: z.boolean(),
  disabledBy: z
    .enum(['owner', 'admin'])
    .optional()
    .meta({ description: 'Who disabled it; only an admin may enable a model an admin disabled (else 403).' }),
  status: modelStatusSchema,
  endpoints: z.object({
    v1: z.string().meta({ description: 'TF Serving REST base, under the hub (hub token or cookie).' }),
    v2: z.string().meta({ description: 'Open Inference Protocol base, under the hub.' }),
    apiKeyBase: z
      .string()
      .optional()
      .meta({ description: 'The model on the in-cluster API-key listener (when its URL is configured).' }),
  }),
  createdAt: z.string(),
  resourceVersion: z.string(),
});

export const modelListSchema = z.object({ items: z.array(modelSchema) });
export const versionListSchema = z.object({ items: z.array(modelVersionSchema) });

export const servingRuntimeViewSchema = z.object({
  kind: z.enum(['tfserving', 'mlserver']),
  version: z.string(),
  gpu: z.boolean(),
  label: z.string(),
  formats: z.array(z.enum(['tensorflow', 'xgboost', 'sklearn'])),
  default: z.boolean(),
});

/** A file's path inside a version: relative, `/`-separated, no backslashes or control characters. */
export const modelFilePathSchema = z
  .string()
  .min(1)
  .max(400)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^/\\\u0000-\u001f\u007f][^\\\u0000-\u001f\u007f]*$/, {
    error: 'must be a relative path without backslashes or control characters',
  });

/** A version number in a path: 1, 2, ... */
export const versionParamSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, { error: 'must be a version number (1, 2, ...)' })
  .transform(Number);

export const uploadFileSchema = z.strictObject({
  path: modelFilePathSchema.meta({
    description: 'Relative to the model folder, "/"-separated.',
    example: 'variables/variables.index',
  }),
  sizeBytes: z.number().int().min(0),
});

export const createUploadBodySchema = z.strictObject({
  files: z.array(uploadFileSchema).min(1).max(10_000),
});

export const uploadSchema = z.object({
  uploadId: z.string(),
  maxBytes: z.number().int(),
  expiresAt: z.string(),
});

export const commitUploadBodySchema = z.strictObject({
  rollout: rolloutSchema.default({ kind: 'replace' }),
});

export const createApiKeyBodySchema = z.strictObject({ label: z.string().min(1).max(80) });
export const createdApiKeySchema = apiKeyViewSchema.extend({
  key: z.string().meta({ description: 'Shown once; only its hash is stored.' }),
});

export const statsSchema = z.object({
  points: z.array(
    z.object({
      at: z.string(),
      requestsPerSecond: z.number(),
      p95Ms: z.number().nullable(),
      errors: z.number().int(),
    }),
  ),
});

export const logsQuerySchema = z.object({
  tailLines: z.coerce.number().int().min(1).max(5000).default(200),
});

export const ownerQuerySchema = z.object({
  user: z.string().min(1).optional().meta({ description: "Admins only: another user's models." }),
});
