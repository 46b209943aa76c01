import { z } from 'zod';
import type { ConfigSection } from '../config/config-section.js';
import { httpUrl } from '../config/schema.js';

/** Notebook jobs: limits, where runners reach hub-proxy, and the local runtime's files. */
export const jobsSchema = z.strictObject({
  /** Largest input snapshot (the notebook without outputs). */
  maxNotebookBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  /** Finished runs kept per job unless the job says otherwise. */
  defaultHistoryLimit: z.coerce.number().int().min(1).max(1000).default(20),
  /**
   * The URL runner pods use to reach hub-proxy's runner API (ends with the
   * service prefix, e.g. http://turing-hub-proxy.jhub:8000/services/turing/).
   * Default: hub-proxy's own listen address, which suits the local runtime.
   */
  runnerApiUrl: httpUrl.optional(),
  /** HMAC secret of run tokens; default derived from the service's API token. Same on every replica. */
  runTokenSecret: z.string().min(16, 'must be at least 16 characters').optional(),
  /** ConfigMap holding runner/turing_runner.py, mounted into run pods. */
  runnerConfigMap: z.string().min(1).default('turing-runner'),
  /** Local runtime: where job definitions, run records and live logs live. */
  stateDir: z.string().min(1).default('.turing/jobs'),
  /** Local runtime: the Python that runs the runner (needs papermill). */
  pythonPath: z.string().min(1).optional(),
  /** Webhook reachability check at create time. */
  webhookCheckTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Lifecycle resync period of the Kubernetes controller. */
  resyncSeconds: z.coerce.number().int().min(1).max(3600).default(30),
});

/** The jobs feature's settings: the `jobs` key of the config. */
export type JobsSettings = z.output<typeof jobsSchema>;

/** The config keys the jobs feature owns, and their environment variables. */
export const jobsConfig = {
  fields: { jobs: jobsSchema.default(jobsSchema.parse({})) },
  nestedEnv: {
    jobs: {
      stateDir: 'TURING_JOBS_STATE_DIR',
      runnerApiUrl: 'TURING_RUNNER_API_URL',
      runTokenSecret: 'TURING_RUN_TOKEN_SECRET',
      maxNotebookBytes: 'TURING_MAX_NOTEBOOK_BYTES',
      pythonPath: 'TURING_JOBS_PYTHON',
      resyncSeconds: 'TURING_JOBS_RESYNC_SECONDS',
    },
  },
} satisfies ConfigSection;
