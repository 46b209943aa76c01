import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { ConfigSection } from '../config/config-section.js';
import { DEFAULT_CATALOG_PATH } from './catalog/load-catalog.js';

/** The config keys the environments feature owns, and their environment variables. */
export const environmentsConfig = {
  fields: {
    /** The catalog's seed (`images/catalog.yaml` of the repository by default): copied into the editable store when that is empty. */
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
    /**
     * Kubernetes runtime: the ConfigMap (in hub-proxy's namespace) holding the
     * editable catalog under `catalog.yaml`, seeded from `catalogPath` when missing.
     */
    catalogConfigMap: z
      .string()
      .regex(/^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$/, { error: 'must be a ConfigMap name' })
      .default('turing-catalog'),
    /** Local runtime: the file holding the editable catalog, seeded from `catalogPath` when missing. */
    editableCatalogPath: z
      .string()
      .min(1)
      .default('.turing/catalog.yaml')
      .transform((path) => resolve(path)),
  },
  env: {
    catalogPath: ['TURING_CATALOG'],
    compatibilityPath: ['TURING_COMPATIBILITY'],
    catalogConfigMap: ['TURING_CATALOG_CONFIGMAP'],
    editableCatalogPath: ['TURING_EDITABLE_CATALOG'],
  },
} satisfies ConfigSection;

/** The environments feature's settings. */
export type EnvironmentsSettings = z.output<z.ZodObject<typeof environmentsConfig.fields>>;

// The `quotas` config key moved to the quotas feature (quotas/config.ts); the fixed shape stays for tests.
export type { QuotaSettings } from './quota.js';

/** The compatibility table's path: configured, or `compatibility.yaml` next to the catalog. */
export function compatibilityPathOf(
  settings: Pick<EnvironmentsSettings, 'catalogPath' | 'compatibilityPath'>,
): string {
  return settings.compatibilityPath ?? join(dirname(settings.catalogPath), 'compatibility.yaml');
}
