import { z } from 'zod';
import { kubernetes } from '../k8s/crd-schema.js';
import { KUBERNETES_QUANTITY_PATTERN, objectMetaSchema } from '../k8s/crd.js';
import { JOB_NAME_MAX, JOB_NAME_PATTERN } from './naming.js';

/**
 * The NotebookJob custom resource as zod schemas: the one source of its
 * TypeScript types (re-exported from `model.ts`) and of the CRD the chart
 * installs (helm/turing/crds/notebookjobs.turing.dev.yaml, written by
 * `npm run generate` from `notebook-job-crd.ts`). Every constraint here is
 * one the apiserver enforces, so keep it to what a structural schema can say
 * (no refinements: they would be dropped from the CRD silently).
 */

export const NOTEBOOK_JOB_GROUP = 'turing.dev';
export const NOTEBOOK_JOB_VERSION = 'v1alpha1';
/** API group and version of the NotebookJob custom resource. */
export const NOTEBOOK_JOB_API_VERSION = `${NOTEBOOK_JOB_GROUP}/${NOTEBOOK_JOB_VERSION}` as const;
export const NOTEBOOK_JOB_KIND = 'NotebookJob';
export const NOTEBOOK_JOB_PLURAL = 'notebookjobs';

/** Terminal and non-terminal states of one run. */
export const RUN_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
/** Concurrency policy, as the API spells it (CronJob's Allow/Forbid/Replace). */
export const CONCURRENCY_POLICIES = ['allow', 'forbid', 'replace'] as const;
/** Run outcomes an alert can subscribe to. */
export const ALERT_EVENTS = ['failure', 'success', 'timeout'] as const;
/** Output formats a job keeps besides its log. */
export const OUTPUT_FORMATS = ['ipynb', 'html'] as const;
/** How a version a run published takes traffic: a canary beside the stable one, or all of it. */
export const ROLLOUT_KINDS = ['canary', 'replace'] as const;
/** `status` of a condition, as in every Kubernetes API. */
export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;

export const runStateSchema = z.enum(RUN_STATES);
export const concurrencyPolicySchema = z.enum(CONCURRENCY_POLICIES);
export const alertEventSchema = z.enum(ALERT_EVENTS);
export const outputFormatSchema = z.enum(OUTPUT_FORMATS);

/** RFC 3339 time (what `Date.toISOString` and the apiserver write). */
const timestamp = () => z.iso.datetime({ offset: true });

/** A user-facing job name: lowercase DNS label, at most 38 characters. */
const jobName = () => z.string().max(JOB_NAME_MAX).regex(JOB_NAME_PATTERN);

/** The input snapshot a job runs: stored in the artifact store, referenced here. */
export const notebookInputSchema = z
  .object({
    path: z.string().min(1).max(4096).meta({
      description: "Path of the source notebook in the owner's home, for display and 'update input'.",
    }),
    inputKey: z
      .string()
      .min(1)
      .max(1024)
      .meta({ description: 'Artifact-store key of the stripped snapshot.' }),
    digest: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .meta({ description: 'sha256 (hex) of the stripped snapshot.' }),
    sizeBytes: z.number().int().min(0),
    updatedAt: timestamp().meta({ description: 'When the snapshot was taken.' }),
    kernel: z
      .string()
      .min(1)
      .max(255)
      .meta({ description: "The snapshot's kernelspec name (papermill runs it)." }),
  })
  .meta({ description: 'The input snapshot in the artifact store.' });

const quantity = () => z.string().regex(KUBERNETES_QUANTITY_PATTERN);

/** A model name: a DNS label that starts with a letter (it names Services), at most 40 characters. */
export const MODEL_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** Longest model output path, in characters. */
export const MODEL_OUTPUT_PATH_MAX = 1024;

/**
 * What a job's successful runs publish: the files at `path` (relative to the
 * notebook's working directory) become the next version of `model`. The API
 * checks the path's shape; the runner checks again that it stays inside the
 * working directory, as a hand-edited object could say anything.
 */
export const modelOutputSpecSchema = z
  .object({
    model: z.string().regex(MODEL_NAME_PATTERN).meta({ description: 'The model the runs publish to.' }),
    path: z.string().min(1).max(MODEL_OUTPUT_PATH_MAX).meta({
      description: "A file or folder the notebook writes, relative to its working directory (e.g. 'model/').",
    }),
    rollout: z
      .object({
        kind: z.enum(ROLLOUT_KINDS),
        percent: z
          .number()
          .int()
          .min(1)
          .max(99)
          .optional()
          .meta({ description: 'Canary traffic share; only with kind canary.' }),
      })
      .meta({
        description: 'How the new version takes traffic: a canary at `percent`, or all of it (replace).',
        ...kubernetes({
          validations: [
            {
              rule: "self.kind == 'canary' ? has(self.percent) : !has(self.percent)",
              message: 'a canary rollout needs percent, and only a canary has one',
            },
          ],
        }),
      }),
  })
  .meta({
    description: 'Publish the files at `path` as the next version of `model` after each successful run.',
  });

/** One webhook alert: a Slack-compatible JSON POST on the listed outcomes. */
export const alertSpecSchema = z.object({
  on: z.array(alertEventSchema).min(1),
  webhook: z.string().min(1).max(2048),
});

/** `spec` of a NotebookJob: everything needed to run it, resolved at create time. */
export const notebookJobSpecSchema = z.object({
  jobName: jobName().meta({
    description: 'The user-facing name, unique per owner (the object name adds an owner hash).',
  }),
  notebook: notebookInputSchema,
  environment: z.string().min(1).max(253).meta({ description: 'Catalog environment id.' }),
  image: z
    .string()
    .min(1)
    .max(1024)
    .meta({ description: 'Container image resolved from the catalog when the job was created or edited.' }),
  resources: z.object({
    cpu: quantity(),
    memory: quantity(),
    gpus: z.number().int().min(0).max(64),
    gpuType: z.string().max(63).optional(),
  }),
  parameters: z
    .record(z.string(), z.unknown())
    .default({})
    .meta({
      description: 'papermill parameters (any JSON values).',
      ...kubernetes({ preserveUnknownFields: true }),
    }),
  schedule: z
    .object({
      cron: z.string().min(1).max(255),
      timezone: z.string().min(1).max(64),
    })
    .optional()
    .meta({ description: 'Absent for jobs that run only on demand or after dependencies.' }),
  suspend: z.boolean().default(false),
  retries: z
    .number()
    .int()
    .min(0)
    .max(10)
    .meta({ description: 'Extra attempts after a failed one (Job backoffLimit).' }),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .meta({ description: 'Wall-clock limit per run, all attempts together (Job activeDeadlineSeconds).' }),
  concurrency: concurrencyPolicySchema,
  dependsOn: z.array(jobName()).max(20).default([]).meta({
    description: "User-facing names of the same owner's jobs; a success of any starts one run of this job.",
  }),
  alerts: z.array(alertSpecSchema).max(10).default([]),
  outputs: z.array(outputFormatSchema).max(2).default(['ipynb']),
  modelOutput: modelOutputSpecSchema.optional(),
  historyLimit: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .meta({ description: 'Finished runs kept; older ones and their artifacts are deleted.' }),
});

/** One recorded alert delivery (newest last, bounded). */
export const alertDeliverySchema = z.object({
  run: z.string(),
  event: alertEventSchema,
  target: z
    .string()
    .meta({ description: "The webhook's origin only: paths of Slack-style URLs are secrets." }),
  delivered: z.boolean(),
  attempts: z.number().int().min(0),
  at: timestamp().meta({ description: 'Time of the last attempt.' }),
  status: z.number().int().optional().meta({ description: 'HTTP status of the last attempt, if any.' }),
  error: z.string().optional(),
});

/** One condition (`Ready`), keyed by `type` so server-side apply merges them one by one. */
export const notebookJobConditionSchema = z.object({
  type: z.string(),
  status: z.enum(CONDITION_STATUSES),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: timestamp().optional(),
});

/** `status` of a NotebookJob, written by the controller through the status subresource. */
export const notebookJobStatusSchema = z.object({
  observedGeneration: z.number().int().optional(),
  cronJob: z.string().optional().meta({
    description:
      'Name of the CronJob an earlier version scheduled with; no longer written (schedules fire from hub-proxy).',
  }),
  lastScheduleTime: timestamp().optional(),
  lastRun: z
    .object({
      id: z.string(),
      state: runStateSchema,
      finishedAt: timestamp().optional(),
    })
    .optional(),
  alerts: z.array(alertDeliverySchema).optional(),
  conditions: z
    .array(notebookJobConditionSchema)
    .optional()
    .meta(kubernetes({ listType: 'map', listMapKeys: ['type'] })),
});

/**
 * Longest object name: it names the CronJob (at most 52 characters, as its
 * Jobs add up to 11 and must fit 63), and run ids add 10.
 */
export const NOTEBOOK_JOB_NAME_MAX = 52;

/** The NotebookJob custom resource (also the local runtime's stored record). */
export const notebookJobSchema = z
  .object({
    apiVersion: z.literal(NOTEBOOK_JOB_API_VERSION),
    kind: z.literal(NOTEBOOK_JOB_KIND),
    metadata: objectMetaSchema,
    spec: notebookJobSpecSchema,
    status: notebookJobStatusSchema.optional(),
  })
  .meta({
    description: 'A notebook promoted to a scheduled, parameterised job.',
    ...kubernetes({
      validations: [
        {
          rule: `size(self.metadata.name) <= ${NOTEBOOK_JOB_NAME_MAX}`,
          message: `metadata.name must be at most ${NOTEBOOK_JOB_NAME_MAX} characters`,
        },
      ],
    }),
  });
