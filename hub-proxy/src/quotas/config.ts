import { resolve } from 'node:path';
import { z } from 'zod';
import type { ConfigSection } from '../config/config-section.js';
import { parseJsonText } from '../config/json-text.js';
import { QUOTA_KEYS, type Limits, type QuotaKey } from './limits.js';

/** A whole, non-negative number of GPUs; numbers in text (env variables) are accepted. */
const gpuCount = z.coerce.number().int().min(0).max(1024);

/** A non-negative whole number, also from text. */
const limitValue = z.coerce
  .number()
  .int()
  .min(0)
  .max(2 ** 50);

/** Seed values when the config does not name them: today's built-in caps. */
export const BUILT_IN_DEFAULTS: Omit<Limits, 'gpus'> = {
  concurrentRuns: 10,
  scheduledJobs: 50,
  modelReplicas: 8,
  artifactBytes: 1024 * 1024 * 1024,
};

/** The seed defaults: an object from the file, or JSON text (`TURING_QUOTAS_DEFAULTS='{"concurrentRuns":5}'`). */
const seedDefaultsSchema = z.preprocess(
  parseJsonText,
  z
    .strictObject(
      Object.fromEntries(QUOTA_KEYS.map((key) => [key, limitValue.optional()])) as Record<
        QuotaKey,
        z.ZodOptional<typeof limitValue>
      >,
    )
    .default({}),
);

/**
 * The SEED of the quotas document (`quotas` in the config): written to the
 * store only when it holds no document yet; afterwards admins edit the
 * document (`PUT /api/v1/admin/quotas`) and these values no longer apply.
 */
export const quotasSeedSchema = z.strictObject({
  /** `defaults.gpus` (kept from before the quotas were editable). */
  defaultMaxGpus: gpuCount.default(2),
  /** Hub user name -> that user's GPUs (`users.<name>.gpus`). */
  users: z.record(z.string().min(1), gpuCount).default({}),
  /** The other defaults; unset ones take {@link BUILT_IN_DEFAULTS}. `gpus` here beats `defaultMaxGpus`. */
  defaults: seedDefaultsSchema,
});

/** The config keys the quotas feature owns, and their environment variables. */
export const quotasConfig = {
  fields: {
    quotas: quotasSeedSchema.default({ defaultMaxGpus: 2, users: {}, defaults: {} }),
    /** Kubernetes runtime: the ConfigMap (in hub-proxy's namespace) holding the document. */
    quotasConfigMap: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name')
      .max(253)
      .default('turing-quotas'),
    /** Local runtime: the file holding the document. */
    quotasPath: z
      .string()
      .min(1)
      .default('.turing/quotas.json')
      .transform((path) => resolve(path)),
  },
  env: { quotasConfigMap: ['TURING_QUOTAS_CONFIGMAP'], quotasPath: ['TURING_QUOTAS_PATH'] },
  nestedEnv: { quotas: { defaultMaxGpus: 'TURING_DEFAULT_MAX_GPUS', defaults: 'TURING_QUOTAS_DEFAULTS' } },
} satisfies ConfigSection;

/** The quotas feature's settings. */
export type QuotasSettings = z.output<z.ZodObject<typeof quotasConfig.fields>>;

/** The seed settings (`quotas` in the config). */
export type QuotasSeedSettings = QuotasSettings['quotas'];
