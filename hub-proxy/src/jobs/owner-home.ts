import { isAbsolute, posix } from 'node:path';
import { z } from 'zod';
import { parseJsonText } from '../config/json-text.js';
import { multiSlug, safeSlug, SLUG_MAX_LENGTH } from '../ownership/slug.js';

/**
 * The run owner's home, where their own conda environments and kernelspecs
 * live (`~/.conda/envs/<env>`, registered with `python -m ipykernel install
 * --user --name <env>` into `~/.local/share/jupyter/kernels/<env>`). A run
 * whose notebook names such a kernel finds it because the runner gets
 * `JUPYTER_PATH=<home>/.local/share/jupyter`, in both runtimes:
 *
 * - Kubernetes: the home is the user's KubeSpawner PVC, mounted into the run
 *   pod (`jobs.homeVolume`), its name computed as KubeSpawner 7 does.
 * - Local: the home is a directory (`jobs.localUserHome`), or hub-proxy's own
 *   `$HOME` (the single local user's) when unset.
 *
 * Names follow KubeSpawner's template fields for a user's default server
 * with the "safe" slug scheme (kubespawner/spawner.py `_expand_user_properties`).
 */

/** Where `ipykernel install --user` puts kernelspecs, relative to the home. */
export const USER_JUPYTER_DATA_DIR = '.local/share/jupyter';

/** The `JUPYTER_PATH` that makes a run see the kernelspecs registered in `home`. */
export function ownerJupyterPath(home: string): string {
  return posix.join(home, USER_JUPYTER_DATA_DIR);
}

/** Template fields this expansion knows, as KubeSpawner spells them. */
export const USER_TEMPLATE_FIELDS = ['username', 'servername', 'user_server'] as const;

/** KubeSpawner's budget for each slugged field (`_slug_max_length`). */
const FIELD_MAX_LENGTH = SLUG_MAX_LENGTH;

/**
 * Renders a KubeSpawner name template (`claim-{user_server}`,
 * `claim-{username}{servername}`, `/home/{username}`) for `username`'s
 * default server, exactly as KubeSpawner 7 with `slug_scheme = "safe"`:
 * `{username}` is the safe slug of the name, `{servername}` is empty, and
 * `{user_server}` is the safe username unless that is longer than 46
 * characters, in which case KubeSpawner switches to its two-part hashed
 * slug. Trailing `-` is stripped unless the template itself ends with one.
 * `{{` and `}}` are literal braces (Python `str.format`). Throws on a field
 * it does not know.
 */
export function expandUserTemplate(template: string, username: string): string {
  const safeUsername = safeSlug(username, FIELD_MAX_LENGTH);
  // The join is judged with the (empty) server name: `len(user) + len(server) + 2 > 48`.
  const userServer =
    safeUsername.length + 2 > FIELD_MAX_LENGTH ? multiSlug([username, ''], FIELD_MAX_LENGTH) : safeUsername;
  const values: Record<(typeof USER_TEMPLATE_FIELDS)[number], string> = {
    username: safeUsername,
    servername: '',
    user_server: userServer,
  };
  const rendered = template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, field: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    if (field !== undefined && field in values) return values[field as keyof typeof values];
    throw new Error(
      `unknown field {${field ?? ''}}: use ${USER_TEMPLATE_FIELDS.map((f) => `{${f}}`).join(', ')}`,
    );
  });
  return template.endsWith('-') ? rendered : rendered.replace(/-+$/, '');
}

/** A DNS subdomain (RFC 1123), the rule for PersistentVolumeClaim names. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Names that exercise every branch of the slugging: plain, escaped, and too long to join. */
const SAMPLE_USERS = ['a', 'Ünïcode.User@example.org', 'x'.repeat(60)];

/** Why `template` cannot name a user's claim, or undefined. */
function claimTemplateProblem(template: string): string | undefined {
  for (const user of SAMPLE_USERS) {
    let name: string;
    try {
      name = expandUserTemplate(template, user);
    } catch (err) {
      return (err as Error).message;
    }
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      return `renders "${name}" for user "${user}", which is not a valid PersistentVolumeClaim name`;
    }
  }
  return undefined;
}

/** Paths the run pod already uses: the home must not hide them. */
const RESERVED_MOUNTS = ['/tmp', '/opt/turing/runner'];

/**
 * `jobs.homeVolume` (Kubernetes runtime): mount the run owner's home PVC into
 * every run pod. Absent: runs see only their image. Set (`{}` takes every
 * default): a run whose owner has no such claim fails with a reason that says so.
 */
export const homeVolumeSchema = z.strictObject({
  /**
   * The hub's KubeSpawner `pvc_name_template` (z2jh
   * `singleuser.storage.dynamic.pvcNameTemplate`; `claim-{username}` in
   * helm/z2jh-values.yaml, KubeSpawner's own default is
   * `claim-{user_server}`). Run pods must live in the claims' namespace.
   */
  claimNameTemplate: z
    .string()
    .min(1)
    .default('claim-{username}')
    .superRefine((template, ctx) => {
      const problem = claimTemplateProblem(template);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** Where the claim is mounted: the single-user servers' home (z2jh `singleuser.storage.homeMountPath`). */
  mountPath: z
    .string()
    .default('/home/jovyan')
    .refine((path) => posix.isAbsolute(path) && posix.normalize(path) === path && path !== '/', {
      error: 'must be an absolute, normalised path other than /',
    })
    .refine(
      (path) =>
        !RESERVED_MOUNTS.some(
          (used) => path === used || path.startsWith(`${used}/`) || used.startsWith(`${path}/`),
        ),
      { error: `must not contain or lie inside ${RESERVED_MOUNTS.join(' or ')} (the run pod's own mounts)` },
    ),
  /** Read-only by default: a run must not change files the user's server is editing. */
  readOnly: z.boolean().default(true),
});

/** The validated `jobs.homeVolume`. */
export type HomeVolumeSettings = z.output<typeof homeVolumeSchema>;

/** The `homeVolume` field of the `jobs` section: an object, or JSON text from `TURING_JOBS_HOME_VOLUME`. */
export const homeVolumeField = z.preprocess(parseJsonText, homeVolumeSchema.optional());

/**
 * `jobs.localUserHome` (local runtime): the run owner's home directory as a
 * template (`/srv/homes/{username}`); unset, runs use hub-proxy's own `$HOME`.
 */
export const localUserHomeField = z
  .string()
  .min(1)
  .superRefine((template, ctx) => {
    for (const user of SAMPLE_USERS) {
      try {
        if (!isAbsolute(expandUserTemplate(template, user))) {
          ctx.addIssue({ code: 'custom', message: 'must render an absolute path' });
          return;
        }
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return;
      }
    }
  })
  .optional();
