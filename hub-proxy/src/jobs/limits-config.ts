import { z } from 'zod';
import { parseJsonText } from '../config/json-text.js';

const KiB = 1024;

/**
 * Fixed limits of the jobs API (`jobs.limits` in the config); the
 * admin-editable quotas (concurrent runs, scheduled jobs, GPUs) live in
 * the quotas feature. Each is checked against the job's owner, also when an admin
 * acts for them. Counts come from the runtime's own listings when a
 * request is made, so nothing can drift; two requests racing at the edge
 * of a limit may both pass.
 */
export const jobLimitsSchema = z.strictObject({
  /** Jobs (NotebookJobs) one user may own. */
  jobsPerUser: z.coerce.number().int().min(1).max(100_000).default(100),
  /**
   * Replaced by the admin-editable `concurrentRuns` quota (docs/admin/quotas.md);
   * still accepted so old configs load, and ignored with a warning.
   */
  activeRunsPerUser: z.coerce.number().int().min(1).max(10_000).optional(),
  /** Run-now calls per user in any 60 s window, counted by each replica on its own. */
  runNowPerMinute: z.coerce.number().int().min(1).max(10_000).default(10),
  /**
   * Largest parameters object (serialized JSON) of a job or of a run-now.
   * Job parameters live in the NotebookJob (etcd takes at most 1.5 MiB per
   * object) and run overrides in an annotation of the run's Job (256 KiB
   * for all annotations), so at most 128 KiB.
   */
  maxParametersBytes: z.coerce
    .number()
    .int()
    .min(1 * KiB)
    .max(128 * KiB)
    .default(64 * KiB),
});

/** The validated `jobs.limits` settings. */
export type JobLimitsSettings = z.output<typeof jobLimitsSchema>;

/** The `limits` field of the `jobs` section: an object, or JSON text from `TURING_JOBS_LIMITS`. */
export const jobLimitsField = z.preprocess(parseJsonText, jobLimitsSchema.default(jobLimitsSchema.parse({})));
