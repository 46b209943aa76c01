/**
 * The bounds hub-proxy's jobs API puts on a job definition, for checks in the
 * browser (in the user's units) before a request is sent. The browser bundle
 * cannot import hub-proxy's zod schemas, so they are repeated here;
 * `tests/contract/job-limits.test.ts` probes the schemas at each bound and
 * one past it, so a change on either side fails there.
 */
export const JOB_LIMITS = {
  /** Longest job name (a lowercase DNS label starting with a letter). */
  nameMaxLength: 38,
  /** Shortest run time limit (`timeoutSeconds`), in seconds. */
  timeoutMinSeconds: 1,
  /** Longest run time limit (`timeoutSeconds`), in seconds: 7 days. */
  timeoutMaxSeconds: 7 * 24 * 3600,
  /** Most extra attempts after a failed run (`retries`; the least is 0). */
  retriesMax: 10,
  /** Most parameters of a job or a run (names are Python identifiers). */
  parametersMax: 100,
  /**
   * Largest parameters object, serialized as JSON, with hub-proxy's default
   * `jobs.limits.maxParametersBytes` (a deployment may set 1 to 128 KiB).
   */
  parametersDefaultMaxBytes: 64 * 1024,
  /** Most jobs a job may depend on (`dependsOn`). */
  dependsOnMax: 20,
  /** Most alerts of a job. */
  alertsMax: 10,
  /** Longest alert webhook URL. */
  webhookMaxLength: 2048,
  /** Longest cron expression. */
  cronMaxLength: 200,
  /** Longest IANA time zone name. */
  timezoneMaxLength: 64,
  /** Most GPUs of a run. */
  gpusMax: 16,
  /** Longest notebook path. */
  notebookPathMaxLength: 1024,
  /** Fewest runs kept in a job's history. */
  historyLimitMin: 1,
  /** Most runs kept in a job's history. */
  historyLimitMax: 1000,
  /** Smallest traffic share of a published canary, in percent. */
  canaryPercentMin: 1,
  /** Largest traffic share of a published canary, in percent. */
  canaryPercentMax: 99,
} as const;

/** The type of {@link JOB_LIMITS}, for code that is given the limits. */
export type JobLimits = typeof JOB_LIMITS;
