import { z } from 'zod';
import type { ConfigSection } from '../config/config-section.js';
import { httpUrl } from '../config/schema.js';

/** One serving runtime users may pick: a kind, a version and the image serving it. */
export const servingRuntimeSchema = z.strictObject({
  kind: z.enum(['tfserving', 'mlserver']),
  version: z.string().min(1).max(40),
  gpu: z.boolean().default(false),
  /** Container image (Kubernetes runtime). */
  image: z.string().min(1),
  label: z.string().min(1).max(80),
  /** Offered first for its formats. */
  default: z.boolean().default(false),
});

/** A serving runtime of the catalog. */
export type ServingRuntime = z.output<typeof servingRuntimeSchema>;

/** The shipped serving runtimes: TF Serving CPU and GPU, and MLServer for xgboost and sklearn. */
export const DEFAULT_SERVING_RUNTIMES: ServingRuntime[] = [
  {
    kind: 'tfserving',
    version: '2.19.0',
    gpu: false,
    image: 'tensorflow/serving:2.19.0',
    label: 'TensorFlow Serving 2.19 (CPU)',
    default: true,
  },
  {
    kind: 'tfserving',
    version: '2.19.0',
    gpu: true,
    image: 'tensorflow/serving:2.19.0-gpu',
    label: 'TensorFlow Serving 2.19 (GPU)',
    default: false,
  },
  {
    kind: 'mlserver',
    version: '1.7.1',
    gpu: false,
    image: 'seldonio/mlserver:1.7.1',
    label: 'MLServer 1.7.1 (xgboost, sklearn)',
    default: true,
  },
];

/** Models: serving runtimes, upload limits, the gateway and the API-key listener. */
export const modelsSchema = z.strictObject({
  /** Local runtime: where model records and serving processes' files live. */
  stateDir: z.string().min(1).default('.turing/models'),
  /** Local runtime: the MLServer venv's python (has `mlserver`). */
  mlserverPython: z.string().min(1).default('.venv-serving/bin/python'),
  /** Local runtime: the python with tensorflow-cpu for the TF Serving stand-in. */
  tensorflowPython: z.string().min(1).default('.venv-serving/bin/python'),
  /** The runtimes offered in the publish form. */
  runtimes: z.array(servingRuntimeSchema).min(1).default(DEFAULT_SERVING_RUNTIMES),
  /** Largest version (all its files together). */
  maxVersionBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 ** 3)
    .default(2 * 1024 ** 3),
  /** An upload not committed within this long is discarded. */
  uploadTtlSeconds: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Models one user may own. */
  maxModelsPerUser: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Replicas one model may ask for. */
  maxReplicas: z.coerce.number().int().min(1).max(1000).default(10),
  /** Gateway: how long an upstream may take to answer. */
  upstreamTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** Gateway: largest prediction request body. */
  maxRequestBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(32 * 1024 * 1024),
  /** In-cluster listener for callers with a model API key; `apiKeyListenPort: -1` turns it off. */
  apiKeyListenHost: z.string().min(1).default('127.0.0.1'),
  apiKeyListenPort: z.coerce.number().int().min(-1).max(65_535).default(8082),
  /** The API-key listener's URL as in-cluster callers reach it (shown in the Models panel), e.g. http://turing-models.jhub:8082. */
  apiKeyBaseUrl: httpUrl.optional(),
  /** Kubernetes runtime: where init containers reach hub-proxy (default: the runner API URL). */
  artifactApiUrl: httpUrl.optional(),
  /** Kubernetes runtime: image of the init container that fetches model files. */
  initImage: z.string().min(1).default('python:3.11-slim'),
  /** Kubernetes runtime: secret of the model-artifact tokens (default derived from the API token). */
  artifactTokenSecret: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Kubernetes runtime: reconcile period. */
  resyncSeconds: z.coerce.number().int().min(1).max(3600).default(30),
});

/** The models feature's settings: the `models` key of the config. */
export type ModelsSettings = z.output<typeof modelsSchema>;

/** The config keys the models feature owns, and their environment variables. */
export const modelsConfig = {
  fields: {
    models: modelsSchema
      .refine(
        (m) => new Set(m.runtimes.map((r) => `${r.kind}/${r.version}/${r.gpu}`)).size === m.runtimes.length,
        {
          error: 'two runtimes have the same kind, version and gpu',
          path: ['runtimes'],
        },
      )
      .default(modelsSchema.parse({})),
  },
  nestedEnv: {
    models: {
      stateDir: 'TURING_MODELS_STATE_DIR',
      mlserverPython: 'TURING_MLSERVER_PYTHON',
      tensorflowPython: 'TURING_TENSORFLOW_PYTHON',
      maxVersionBytes: 'TURING_MODELS_MAX_VERSION_BYTES',
      apiKeyListenHost: 'TURING_MODELS_API_KEY_LISTEN_HOST',
      apiKeyListenPort: 'TURING_MODELS_API_KEY_LISTEN_PORT',
      apiKeyBaseUrl: 'TURING_MODELS_API_KEY_BASE_URL',
      artifactApiUrl: 'TURING_MODELS_ARTIFACT_API_URL',
      initImage: 'TURING_MODELS_INIT_IMAGE',
      artifactTokenSecret: 'TURING_MODELS_ARTIFACT_TOKEN_SECRET',
    },
  },
} satisfies ConfigSection;
