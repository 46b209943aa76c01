import { z } from 'zod';
import { pageCursorQuerySchema, pageLimitQuerySchema } from '../http/pagination.js';
import { runStateSchema } from './notebook-job-schema.js';
import { jobSchema, runSchema } from './schemas.js';

/**
 * The admin listings of every user's jobs and runs (`/api/v1/admin/jobs`,
 * `/api/v1/admin/runs`): their queries and pages. Pages are `{ items, next? }`
 * and the cursor is `?cursor=<next>`, as the admin API spells them.
 */

/** Job states an admin filters on: not paused, paused, or whose newest finished run failed or timed out. */
export const ADMIN_JOB_STATES = ['active', 'suspended', 'failing'] as const;
export type AdminJobState = (typeof ADMIN_JOB_STATES)[number];

const userFilter = z.string().min(1).max(256).optional().meta({ description: "Only this hub user's." });
const environmentFilter = z
  .string()
  .min(1)
  .max(256)
  .optional()
  .meta({ description: 'Only jobs (runs of jobs) in this catalog environment id.' });
const cursor = pageCursorQuerySchema('`next` of the previous page; omit for the first page.', 1024);
const instant = (description: string) =>
  z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2030-01-31T00:00:00Z' })
    .optional()
    .meta({ description });

/** `GET /api/v1/admin/jobs` query. */
export const adminJobsQuerySchema = z.object({
  user: userFilter,
  environment: environmentFilter,
  state: z.enum(ADMIN_JOB_STATES).optional().meta({
    description:
      'active: not paused; suspended: paused; failing: its newest finished run failed or timed out.',
  }),
  q: z.string().min(1).max(100).optional().meta({ description: 'Part of the job name (any case).' }),
  limit: pageLimitQuerySchema,
  cursor,
});
export type AdminJobsQuery = z.output<typeof adminJobsQuerySchema>;

/** `GET /api/v1/admin/runs` query; `since`/`until` bound the start time (creation time before it starts). */
export const adminRunsQuerySchema = z
  .object({
    user: userFilter,
    job: z.string().min(1).max(256).optional().meta({ description: 'Only runs of this job name.' }),
    state: runStateSchema.optional(),
    environment: environmentFilter,
    since: instant('Runs that started (or, not started yet, were created) at or after this time.'),
    until: instant('Runs that started (or were created) at or before this time.'),
    limit: pageLimitQuerySchema,
    cursor,
  })
  .superRefine((query, ctx) => {
    if (query.since && query.until && Date.parse(query.since) > Date.parse(query.until)) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'must not be before since' });
    }
  });
export type AdminRunsQuery = z.output<typeof adminRunsQuerySchema>;

/** One job in the admin listing: the job view (with its `owner`). */
export const adminJobsPageSchema = z.object({
  items: z.array(jobSchema),
  next: z.string().optional().meta({ description: 'Present when there are more: pass it as `cursor`.' }),
});

/** A run in the admin listing: the run view, its job's environment and where to read its log and outputs. */
export const adminRunSchema = runSchema.extend({
  environment: z.string().meta({ description: "The job's catalog environment id ('' if the job is gone)." }),
  links: z
    .object({
      log: z.string(),
      outputHtml: z.string().optional(),
      outputIpynb: z.string().optional(),
    })
    .meta({
      description:
        'API paths relative to the service prefix (e.g. `api/v1/runs/<id>/log`), each an admin may GET; ' +
        'outputs only once stored. Served sandboxed (`Content-Security-Policy: sandbox`, `nosniff`).',
    }),
});
export type AdminRunView = z.input<typeof adminRunSchema>;

/** A page of the admin run listing, newest first. */
export const adminRunsPageSchema = z.object({
  items: z.array(adminRunSchema),
  next: z.string().optional().meta({ description: 'Present when there are more: pass it as `cursor`.' }),
});
