import { z } from 'zod';
import { parseQuantity } from '../k8s/quantity.js';
import { JOB_NAME_MAX, JOB_NAME_PATTERN, RUN_ARTIFACT_NAMES } from './naming.js';
import { RUN_TRIGGERS } from './model.js';
import { modelOutputPathProblem } from './model-output-path.js';
import {
  alertEventSchema,
  concurrencyPolicySchema,
  MODEL_NAME_PATTERN,
  MODEL_OUTPUT_PATH_MAX,
  outputFormatSchema,
  ROLLOUT_KINDS,
  runStateSchema,
} from './notebook-job-schema.js';

/**
 * The jobs API at the edge: request bodies and response shapes. Routes
 * validate with these and the OpenAPI document is generated from them.
 * Semantic checks that need the catalog, the cluster or the network
 * (environment, dependencies, webhooks) happen in services/jobs.ts.
 */

/** A user-facing job name. */
export const jobNameSchema = z
  .string()
  .regex(JOB_NAME_PATTERN, {
    error: `must be 1-${JOB_NAME_MAX} lowercase letters, digits or "-", start with a letter and not end with "-" (e.g. "daily-ctr")`,
  })
  .meta({ description: 'Unique among your jobs.', example: 'daily-ctr' });

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Any JSON value. One registered instance, so the OpenAPI document names it `JsonValue` once. */
const jsonValueSchema = z
  .json()
  .register(z.globalRegistry, { id: 'JsonValue', description: 'Any JSON value.' });

/** papermill parameters: Python identifiers to JSON values. */
export const parametersSchema = z
  .record(
    z.string().regex(identifier, { error: 'parameter names must be Python identifiers (e.g. "start_date")' }),
    jsonValueSchema,
  )
  .refine((p) => Object.keys(p).length <= 100, { error: 'at most 100 parameters' })
  .meta({ description: 'Values injected after the cell tagged `parameters`.' });

function quantity(examples: string) {
  return z.string().refine((text) => (parseQuantity(text) ?? 0) > 0, {
    error: `must be a positive Kubernetes quantity such as ${examples}`,
  });
}

export const resourcesSchema = z.strictObject({
  cpu: quantity('"500m" or "2"').optional(),
  memory: quantity('"512Mi" or "8Gi"').optional(),
  gpus: z.number().int().min(0).max(16).optional(),
  gpuType: z.string().min(1).optional().meta({ description: 'A catalog GPU type id, e.g. "t4".' }),
});

export const scheduleSchema = z.strictObject({
  cron: z
    .string()
    .max(200)
    .meta({ description: 'Five-field cron or a macro such as "@daily".', example: '0 2 * * *' }),
  timezone: z
    .string()
    .max(64)
    .default('UTC')
    .meta({ description: 'IANA time zone.', example: 'Asia/Shanghai' }),
});

const webhookSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .meta({ description: 'Receives a Slack-compatible JSON POST.' });

export const alertSchema = z.strictObject({
  on: z.array(alertEventSchema).min(1, { error: 'pick at least one of failure, success, timeout' }),
  webhook: webhookSchema,
});

const notebookSchema = z.strictObject({
  path: z.string().min(1).max(1024).meta({ description: 'Path of the notebook in your home.' }),
  content: z
    .looseObject({})
    .meta({ description: 'The nbformat 4 notebook; outputs are stripped before it is stored.' }),
});

/** How a published version takes traffic: a canary at `percent`, or all of it. */
export const modelRolloutSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('canary'),
      percent: z
        .number()
        .int()
        .min(1, { error: 'a canary gets 1 to 99 percent of the traffic' })
        .max(99, { error: 'a canary gets 1 to 99 percent of the traffic' }),
    }),
    z.strictObject({ kind: z.literal('replace') }),
  ])
  .meta({ description: 'A new canary at `percent` % of the traffic, or replace the serving version.' });

/** A job's model output: what its successful runs publish. */
export const modelOutputSchema = z
  .strictObject({
    model: z
      .string()
      .regex(MODEL_NAME_PATTERN, {
        error:
          'must be 1-40 lowercase letters, digits or "-", start with a letter and not end with "-" (e.g. "ctr-model")',
      })
      .meta({ description: 'The model each successful run publishes a version of.', example: 'ctr-model' }),
    path: z
      .string()
      .max(MODEL_OUTPUT_PATH_MAX)
      .superRefine((path, ctx) => {
        const problem = modelOutputPathProblem(path);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta({
        description: 'A file or folder the notebook writes, relative to its working directory.',
        example: 'model/',
      }),
    rollout: modelRolloutSchema,
  })
  .meta({
    description:
      'After each successful run the files at `path` become the next version of `model`, rolled out as `rollout`.',
  });

/** Fields a job shares between create and patch. */
const editableFields = {
  resources: resourcesSchema,
  parameters: parametersSchema,
  suspend: z.boolean(),
  retries: z.number().int().min(0).max(10),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600),
  concurrency: concurrencyPolicySchema,
  dependsOn: z.array(jobNameSchema).max(20),
  alerts: z.array(alertSchema).max(10),
  outputs: z
    .array(outputFormatSchema)
    .min(1)
    .refine((o) => o.includes('ipynb'), { error: 'must include "ipynb"' }),
  historyLimit: z.number().int().min(1).max(1000),
  modelOutput: modelOutputSchema,
};

/** Body of `POST /api/v1/jobs`. */
export const createJobBodySchema = z.strictObject({
  name: jobNameSchema,
  notebook: notebookSchema,
  environment: z.string().min(1).meta({ description: 'A catalog environment id.' }),
  schedule: scheduleSchema.nullable().optional().meta({ description: 'Absent or null: on demand only.' }),
  resources: editableFields.resources.default({}),
  parameters: editableFields.parameters.default({}),
  suspend: editableFields.suspend.default(false),
  retries: editableFields.retries.default(0),
  timeoutSeconds: editableFields.timeoutSeconds.default(3600),
  concurrency: editableFields.concurrency.default('forbid'),
  dependsOn: editableFields.dependsOn.default([]),
  alerts: editableFields.alerts.default([]),
  outputs: editableFields.outputs.default(['ipynb', 'html']),
  historyLimit: editableFields.historyLimit.optional(),
  modelOutput: editableFields.modelOutput.optional().meta({ description: 'Absent: runs publish nothing.' }),
});
export type CreateJobBody = z.output<typeof createJobBodySchema>;

/** Body of `PATCH /api/v1/jobs/{name}`: any subset; `notebook` replaces the input snapshot. */
export const patchJobBodySchema = z.strictObject({
  notebook: notebookSchema.optional(),
  environment: z.string().min(1).optional(),
  schedule: scheduleSchema.nullable().optional(),
  resources: editableFields.resources.optional(),
  parameters: editableFields.parameters.optional(),
  suspend: editableFields.suspend.optional(),
  retries: editableFields.retries.optional(),
  timeoutSeconds: editableFields.timeoutSeconds.optional(),
  concurrency: editableFields.concurrency.optional(),
  dependsOn: editableFields.dependsOn.optional(),
  alerts: editableFields.alerts.optional(),
  outputs: editableFields.outputs.optional(),
  historyLimit: editableFields.historyLimit.optional(),
  modelOutput: editableFields.modelOutput
    .nullable()
    .optional()
    .meta({ description: 'null: publish nothing.' }),
});
export type PatchJobBody = z.output<typeof patchJobBodySchema>;

/** Body of `POST /api/v1/jobs/{name}/runs`. */
export const runJobBodySchema = z.strictObject({ parameters: parametersSchema.optional() });

export const runSchema = z.object({
  id: z.string(),
  job: z.string(),
  owner: z.string(),
  state: runStateSchema,
  trigger: z.enum(RUN_TRIGGERS),
  triggeredBy: z.string().optional(),
  parameters: z.record(z.string(), jsonValueSchema),
  attempt: z.number().int(),
  progress: z.object({ cell: z.number().int(), cells: z.number().int() }).optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  durationSeconds: z.number().optional(),
  reason: z.string().optional(),
  artifacts: z.array(z.enum(RUN_ARTIFACT_NAMES)),
  modelOutput: z
    .union([
      z.object({ model: z.string(), version: z.number().int() }),
      z.object({ model: z.string(), error: z.string() }),
    ])
    .optional()
    .meta({
      description:
        'For a succeeded run of a job with a model output: the version it published, or why it published none.',
    }),
});
export type RunView = z.input<typeof runSchema>;

export const jobSchema = z.object({
  name: z.string(),
  owner: z.string(),
  notebook: z.object({
    path: z.string(),
    digest: z.string(),
    sizeBytes: z.number().int(),
    updatedAt: z.string(),
    kernel: z.string(),
  }),
  environment: z.string(),
  image: z.string(),
  resources: z.object({
    cpu: z.string(),
    memory: z.string(),
    gpus: z.number().int(),
    gpuType: z.string().optional(),
  }),
  parameters: z.record(z.string(), jsonValueSchema),
  schedule: z
    .object({
      cron: z.string(),
      timezone: z.string(),
      description: z.string(),
      nextRuns: z.array(z.string()),
    })
    .optional(),
  suspended: z.boolean(),
  retries: z.number().int(),
  timeoutSeconds: z.number().int(),
  concurrency: concurrencyPolicySchema,
  dependsOn: z.array(z.string()),
  alerts: z.array(z.object({ on: z.array(alertEventSchema), webhook: z.string() })),
  outputs: z.array(outputFormatSchema),
  historyLimit: z.number().int(),
  modelOutput: z
    .object({
      model: z.string(),
      path: z.string(),
      rollout: z.object({ kind: z.enum(ROLLOUT_KINDS), percent: z.number().int().optional() }),
    })
    .optional(),
  state: z.enum(['scheduled', 'paused', 'on-demand']),
  lastRun: z.object({ id: z.string(), state: runStateSchema, finishedAt: z.string().optional() }).optional(),
  alertDeliveries: z.array(
    z.object({
      run: z.string(),
      event: alertEventSchema,
      target: z.string(),
      delivered: z.boolean(),
      attempts: z.number().int(),
      at: z.string(),
      status: z.number().int().optional(),
      error: z.string().optional(),
    }),
  ),
  createdAt: z.string(),
});
export type JobView = z.input<typeof jobSchema>;

export const schedulePreviewQuerySchema = z.object({
  cron: z.string().max(200),
  timezone: z.string().max(64).default('UTC'),
  count: z.coerce.number().int().min(1).max(20).default(5),
});

export const schedulePreviewSchema = z.object({
  cron: z.string(),
  timezone: z.string(),
  description: z.string(),
  nextRuns: z.array(z.string()),
});

/** `?user=` on job routes: admins act on another user's job. */
export const ownerQuerySchema = z.object({
  user: z.string().min(1).optional().meta({ description: "Admins only: another user's job." }),
});
