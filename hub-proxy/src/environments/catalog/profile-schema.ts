import { z } from 'zod';

/*
 * KubeSpawner 7's `profile_list` as zod schemas: the API answers with them
 * (`GET /api/v1/environments/profiles`, documented from them) and the
 * renderer's types come from them.
 */

/** A toleration as the API shows it (in a profile, in the admin view of a GPU type); the catalog file's rules are `tolerationSchema`. */
export const tolerationViewSchema = z.object({
  key: z.string().optional(),
  operator: z.string().optional(),
  value: z.string().optional(),
  effect: z.string().optional(),
  tolerationSeconds: z.number().optional(),
});

/** The KubeSpawner traits a profile or choice sets; `null` deletes a key (KubeSpawner's merge). */
export const kubeSpawnerOverrideSchema = z.object({
  image: z.string().optional(),
  cpu_guarantee: z.number().optional(),
  cpu_limit: z.number().optional(),
  mem_guarantee: z.union([z.string(), z.number()]).optional(),
  mem_limit: z.union([z.string(), z.number()]).optional(),
  node_selector: z.record(z.string(), z.string().nullable()).optional(),
  tolerations: z.array(tolerationViewSchema).optional(),
  extra_resource_limits: z.record(z.string(), z.string().nullable()).optional(),
});

/** One KubeSpawner 7 profile (see the catalog's profile-list rendering). */
export const profileSchema = z.object({
  display_name: z.string(),
  slug: z.string(),
  description: z.string(),
  default: z.boolean().optional(),
  kubespawner_override: kubeSpawnerOverrideSchema,
  profile_options: z
    .record(
      z.string(),
      z.object({
        display_name: z.string(),
        choices: z.record(
          z.string(),
          z.object({
            display_name: z.string(),
            default: z.boolean().optional(),
            kubespawner_override: kubeSpawnerOverrideSchema,
          }),
        ),
        // Always disabled: users pick from the catalog, never type a value.
        unlisted_choice: z.object({ enabled: z.literal(false) }),
      }),
    )
    .optional(),
});

/** The KubeSpawner traits the catalog sets; `null` deletes a key from the spawner's map. */
export type KubeSpawnerOverride = z.output<typeof kubeSpawnerOverrideSchema>;
/** One entry of KubeSpawner's `profile_list`. */
export type Profile = z.output<typeof profileSchema>;
/** One option of a profile (GPU count, GPU type). */
export type ProfileOption = NonNullable<Profile['profile_options']>[string];
/** One choice of an option. */
export type ProfileChoice = ProfileOption['choices'][string];
