import { z } from 'zod';
import { profileSchema, tolerationViewSchema } from './catalog/index.js';
import { environmentSchema as environmentViewSchema } from './schemas.js';

/*
 * Wire shapes of the admin catalog editor (`/api/v1/admin/environments`).
 * Request bodies are taken as any JSON object and judged by the catalog's
 * own rules, so a bad entry gets the file loader's exact problems (422,
 * `environments[<id>].<field>`) rather than a generic 400.
 */

/** An environment id in a path: the catalog's id rule (a profile slug and a label value). */
export const environmentIdParams = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?$/, {
      error: "must be an environment id: 1-63 lowercase letters, digits, '-' or '.'",
    })
    .meta({ description: 'Environment id.' }),
});

/** A catalog entry as sent by the editor; checked by the catalog rules, not here. */
export const environmentEntryBodySchema = z.record(z.string(), z.unknown()).meta({
  description:
    'One catalog environment: the fields of an images/catalog.yaml entry (id, displayName, description, ' +
    'image, default, versions, gpu, resources, tags) plus optional `disabled`. Judged by the catalog ' +
    'rules: 422 with errors named environments[<id>].<field>.',
});

/** One GPU type of the catalog. */
export const adminGpuTypeSchema = z.object({
  displayName: z.string(),
  nodeSelector: z.record(z.string(), z.string()),
  tolerations: z.array(tolerationViewSchema),
});

/** A catalog environment as admins see it: the entry, whether it is hidden, and the profile it yields. */
export const adminEnvironmentSchema = environmentViewSchema.omit({ default: true }).extend({
  default: z.boolean().optional().meta({ description: 'Marked as the default in the catalog.' }),
  disabled: z.boolean().meta({ description: 'Hidden from users; existing jobs keep their image.' }),
  profile: profileSchema.meta({
    description: 'The KubeSpawner profile_list entry it yields (for a disabled one: would yield).',
  }),
});

const versionField = z.string().meta({ description: 'The catalog version; also sent as the ETag.' });

/** Body of `GET /api/v1/admin/environments`. */
export const adminCatalogSchema = z.object({
  version: versionField,
  gpuTypes: z.record(z.string(), adminGpuTypeSchema),
  items: z.array(adminEnvironmentSchema),
  problems: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .meta({
      description:
        'Present when the stored catalog was edited by hand into an invalid state: its problems. ' +
        'The items are then the last valid catalog, still in effect; the next save replaces the stored one.',
    }),
});

/** Body of a create or replace answer. */
export const adminEnvironmentWriteSchema = z.object({ version: versionField, item: adminEnvironmentSchema });

/** Body of a delete answer. */
export const adminCatalogVersionSchema = z.object({ version: versionField });

/** Body of a preview answer. */
export const adminProfilePreviewSchema = z.object({ profile: profileSchema });

/** A catalog environment as admins see it. */
export type AdminEnvironmentView = z.input<typeof adminEnvironmentSchema>;
