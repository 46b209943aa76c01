import { z } from 'zod';

/**
 * Path parameters of the jobs feature's routes. Each is checked before any
 * service sees it: express decodes `%2E` to `.` and `a%2Fb` to `a/b`, and
 * such a value put into a Kubernetes API path addresses something else
 * (`jobs/.` is the whole collection). Job names are `jobNameSchema`.
 */

/** A run id: a lowercase DNS label (RFC 1123), at most 63 characters, as Job names are. */
export const RUN_ID_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A run id in a path. */
export const runIdSchema = z
  .string()
  .regex(
    RUN_ID_PATTERN,
    'must be a run id: at most 63 lowercase letters, digits or "-", not starting or ending with "-"',
  )
  .meta({ description: 'Run id.' });

/** `{id}`: a run. */
export const runIdParams = z.object({ id: runIdSchema });
