import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { ConfigSection } from '../config/config-section.js';
import { DEFAULT_CATALOG_PATH } from './catalog/load-catalog.js';

/** A whole, non-negative number of GPUs; numbers in text (env variables) are accepted. */
const gpuCount = z.coerce.number().int().min(0).max(1024);

/**
 * GPU quotas: the most GPUs one user's running servers may hold together
 * (the default server and every named server).
 */
export const quotasSchema = z.strictObject({
  /** For users without an entry in `users`. */
  defaultMaxGpus: gpuCount.default(2),
  /** Hub user name -> that user's limit, overriding the default. */
  users: z.record(z.string().min(1), gpuCount).default({}),
});

/** The config keys the environments feature owns, and their environment variables. */
export const environmentsConfig = {
  fields: {
    /** The environment catalog (`images/catalog.yaml` of the repository by default). */
    catalogPath: z
      .string()
      .min(1)
      .default(DEFAULT_CATALOG_PATH)
      .transform((path) => resolve(path)),
    /** The compatibility table; default `compatibility.yaml` next to the catalog. */
    compatibilityPath: z
      .string()
      .min(1)
      .transform((path) => resolve(path))
      .optional(),
    quotas: quotasSchema.default({ defaultMaxGpus: 2, users: {} }),
  },
  env: { catalogPath: ['TURING_CATALOG'], compatibilityPath: ['TURING_COMPATIBILITY'] },
  nestedEnv: { quotas: { defaultMaxGpus: 'TURING_DEFAULT_MAX_GPUS' } },
} satisfies ConfigSection;

/** The environments feature's settings. */
export type EnvironmentsSettings = z.output<z.ZodObject<typeof environmentsConfig.fields>>;

/** The GPU quota settings (`quotas` in the config). */
export type QuotaSettings = EnvironmentsSettings['quotas'];

/** The compatibility table's path: configured, or `compatibility.yaml` next to the catalog. */
export function compatibilityPathOf(
  settings: Pick<EnvironmentsSettings, 'catalogPath' | 'compatibilityPath'>,
): string {
  return settings.compatibilityPath ?? join(dirname(settings.catalogPath), 'compatibility.yaml');
}
