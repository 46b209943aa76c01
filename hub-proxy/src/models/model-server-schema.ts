import { z } from 'zod';
import { kubernetes } from '../k8s/crd-schema.js';
import { KUBERNETES_QUANTITY_PATTERN, objectMetaSchema } from '../k8s/crd.js';

/**
 * The ModelServer custom resource as zod schemas: the one source of the CRD
 * the chart installs (helm/turing/crds/modelservers.turing.dev.yaml, written
 * by `npm run generate` from `model-server-crd.ts`) and of the stored
 * object's type. One object per model, named `model-<name>`; `spec` holds
 * the {@link ModelSpec} fields, `status` the observed {@link ModelStatus}.
 * Every constraint is one the apiserver enforces (structural schema and
 * CEL), so there are no zod refinements here.
 */

export const MODEL_SERVER_GROUP = 'turing.dev';
export const MODEL_SERVER_VERSION = 'v1alpha1';
/** API group and version of the ModelServer custom resource. */
export const MODEL_SERVER_API_VERSION = `${MODEL_SERVER_GROUP}/${MODEL_SERVER_VERSION}` as const;
export const MODEL_SERVER_KIND = 'ModelServer';
export const MODEL_SERVER_PLURAL = 'modelservers';

/** Longest model name: `model-<name>` plus pod-name suffixes stay within 63 characters. */
export const MODEL_SERVER_MODEL_NAME_MAX = 40;
/** A model name: a lowercase DNS label of at most 40 characters. */
export const MODEL_SERVER_MODEL_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** Prefix of the object name: `model-<name>`. */
export const MODEL_SERVER_NAME_PREFIX = 'model-';

/** Bounds that keep one object well under etcd's 1.5 MiB. */
const MAX_VERSIONS = 1000;
const MAX_FILES_PER_VERSION = 10_000;

const timestamp = () => z.iso.datetime({ offset: true });
const quantity = () => z.string().regex(KUBERNETES_QUANTITY_PATTERN);
const versionNumber = () => z.number().int().min(1);

const tensorSpecSchema = z.object({
  name: z.string().max(256),
  dtype: z.string().max(64),
  shape: z.array(z.number().int().min(-1)).max(32).nullable(),
});

const signatureSchema = z.object({
  name: z.string().max(256),
  inputs: z.array(tensorSpecSchema).max(256),
  outputs: z.array(tensorSpecSchema).max(256),
});

/** Where a version came from; `by` for uploads, `job` and `run` for job outputs (CEL-checked). */
const versionSourceSchema = z.object({
  kind: z.enum(['upload', 'job']),
  by: z.string().max(256).optional(),
  job: z.string().max(253).optional(),
  run: z.string().max(253).optional(),
});

const sourceSchema = versionSourceSchema.meta(
  kubernetes({
    validations: [
      {
        rule: "self.kind == 'upload' ? has(self.by) : (has(self.job) && has(self.run))",
        message: 'an upload names `by`; a job output names `job` and `run`',
      },
    ],
  }),
);

/** One immutable integer-numbered version and its files. */
export const modelServerVersionSchema = z.object({
  version: versionNumber(),
  format: z.enum(['tensorflow', 'xgboost', 'sklearn']),
  modelFile: z.string().min(1).max(1024).optional().meta({
    description: 'The main file for xgboost/sklearn (model.json); absent for a SavedModel folder.',
  }),
  files: z
    .array(z.object({ path: z.string().min(1).max(1024), sizeBytes: z.number().int().min(0) }))
    .max(MAX_FILES_PER_VERSION),
  storagePrefix: z.string().min(1).max(1024).meta({
    description: 'Artifact-store prefix (ends with /) holding the files.',
  }),
  sizeBytes: z.number().int().min(0),
  signature: signatureSchema.optional(),
  source: sourceSchema,
  createdAt: timestamp(),
});

const trafficSchema = z
  .object({
    stable: versionNumber(),
    canary: versionNumber().optional(),
    canaryPercent: z.number().min(0).max(100),
  })
  .meta(
    kubernetes({
      validations: [
        {
          rule: '!has(self.canary) || self.canary != self.stable',
          message: 'canary must differ from stable',
        },
        { rule: 'has(self.canary) || self.canaryPercent == 0.0', message: 'canaryPercent needs a canary' },
      ],
    }),
  );

/** `spec` of a ModelServer: the owner's intent (the ModelSpec). */
export const modelServerSpecSchema = z.object({
  name: z.string().max(MODEL_SERVER_MODEL_NAME_MAX).regex(MODEL_SERVER_MODEL_NAME_PATTERN).meta({
    description: 'The model name, unique across users (it names the gateway URL).',
  }),
  owner: z.string().min(1).max(256).meta({ description: "The owner's hub user name." }),
  runtime: z.object({
    kind: z.enum(['tfserving', 'mlserver']),
    version: z.string().min(1).max(64),
    gpu: z.boolean(),
  }),
  format: z
    .enum(['tensorflow', 'xgboost', 'sklearn'])
    .optional()
    .meta({ description: 'Set by the first version; every later version has it.' }),
  replicas: z
    .object({ min: z.number().int().min(1).max(1000), max: z.number().int().min(1).max(1000) })
    .meta(kubernetes({ validations: [{ rule: 'self.max >= self.min', message: 'max must be >= min' }] })),
  resources: z.object({
    cpu: quantity(),
    memory: quantity(),
    gpu: z.number().int().min(0).max(64),
    gpuType: z.string().max(63).optional(),
  }),
  access: z.object({
    users: z.array(z.string().max(256)).max(1000),
    groups: z.array(z.string().max(256)).max(1000),
    apiKeys: z.boolean(),
  }),
  apiKeys: z
    .array(
      z.object({
        id: z.string().min(1).max(64),
        label: z.string().max(256),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        createdAt: timestamp(),
      }),
    )
    .max(100)
    .meta({ description: 'Revocable API keys; only the sha256 of each secret is stored.' }),
  versions: z.array(modelServerVersionSchema).max(MAX_VERSIONS),
  traffic: trafficSchema.optional().meta({ description: 'Unset until the first version exists.' }),
  previousTraffic: trafficSchema.optional().meta({ description: 'The split before the last change.' }),
  disabled: z.boolean().default(false),
  disabledBy: z
    .enum(['owner', 'admin'])
    .optional()
    .meta({ description: 'Who disabled it; only an admin may enable a model an admin disabled.' }),
  autoscaleOnRequestRate: z
    .object({ targetPerReplica: z.number().gt(0) })
    .optional()
    .meta({ description: "Scale on the gateway's request rate (needs a custom-metrics adapter)." }),
});

/** `status` of a ModelServer, written by the controller through the status subresource. */
export const modelServerStatusSchema = z.object({
  observedGeneration: z.number().int().optional(),
  phase: z.enum(['Pending', 'Ready', 'Degraded', 'Failed', 'Disabled']),
  replicas: z.number().int().min(0),
  readyReplicas: z.number().int().min(0),
  servingVersions: z.array(versionNumber()).max(MAX_VERSIONS),
  message: z.string().max(4096).optional(),
  updatedAt: timestamp().optional(),
});

/** The ModelServer custom resource. */
export const modelServerSchema = z
  .object({
    apiVersion: z.literal(MODEL_SERVER_API_VERSION),
    kind: z.literal(MODEL_SERVER_KIND),
    metadata: objectMetaSchema,
    spec: modelServerSpecSchema,
    status: modelServerStatusSchema.optional(),
  })
  .meta({
    description: 'A model served online: its versions, traffic split, access and scaling.',
    ...kubernetes({
      validations: [
        {
          rule: `self.metadata.name == '${MODEL_SERVER_NAME_PREFIX}' + self.spec.name`,
          message: `metadata.name must be ${MODEL_SERVER_NAME_PREFIX}<spec.name>`,
        },
      ],
    }),
  });

/** A ModelServer as stored (API JSON). */
export type ModelServer = z.infer<typeof modelServerSchema>;
/** `spec` of a stored ModelServer. */
export type ModelServerSpec = z.infer<typeof modelServerSpecSchema>;
/** `status` of a stored ModelServer. */
export type ModelServerStatus = z.infer<typeof modelServerStatusSchema>;
