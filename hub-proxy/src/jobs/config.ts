import { z } from 'zod';
import type { ConfigSection } from '../config/config-section.js';
import { httpUrl } from '../config/schema.js';
import { parseQuantity } from '../k8s/quantity.js';
import { ALERTS_ENV, alertsSettingsField } from './lifecycle/alerts-settings.js';
import { jobLimitsField } from './limits-config.js';
import { homeVolumeField, localUserHomeField } from './owner-home.js';

/** A yes/no setting from a file (`true`) or a variable (`1`, `true`, `0`, `false`). */
const envFlag = z.union([
  z.boolean(),
  z
    .enum(['1', 'true', '0', 'false'], { error: 'must be 1, true, 0 or false' })
    .transform((v) => v === '1' || v === 'true'),
]);

const positiveQuantity = z.string().refine((text) => (parseQuantity(text) ?? 0) > 0, {
  error: 'must be a positive Kubernetes quantity such as "10Gi"',
});

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
  /**
   * Local runtime: the one hub user who may use jobs. Unset: the first user
   * to use them is bound (kept in `stateDir`). Runs are subprocesses under
   * hub-proxy's own OS user, so the runtime is for one person.
   */
  localRuntimeUser: z.string().min(1).optional(),
  /** Local runtime: let every hub user use it, each able to read the others' state and hub-proxy's secrets. */
  localRuntimeUnsafeMultiUser: envFlag.default(false),
  /**
   * Kubernetes runtime: mount each run owner's home PVC (`claim-{username}`,
   * as helm/z2jh-values.yaml names it) into their run pods, read-only at `/home/jovyan`
   * by default, so a notebook whose kernel is one of the user's own conda
   * environments runs in it. Off unless set (`{}` takes the defaults): run
   * pods must share the claims' namespace, and a ReadWriteOnce claim held by
   * the user's server on another node makes the run wait (docs/jobs.md).
   */
  homeVolume: homeVolumeField,
  /**
   * Local runtime: the run owner's home directory, a template such as
   * `/srv/homes/{username}` (KubeSpawner's safe slug); runs find the
   * kernelspecs registered under it. Unset: hub-proxy's own `$HOME`.
   */
  localUserHome: localUserHomeField,
  /**
   * Local runtime: runner processes kept pre-started, papermill already
   * imported, each handed one run ("run now" to first cell in well under a
   * second instead of ~3). 0 turns it off: every run starts its own runner.
   */
  localWarmRunners: z.coerce.number().int().min(0).max(8).default(1),
  /** Kubernetes runtime: ephemeral storage each run pod requests (also the scratch volume's share). */
  runEphemeralStorageRequest: positiveQuantity.default('1Gi'),
  /** Kubernetes runtime: ephemeral storage limit of a run pod; also the size limit of its scratch emptyDir. */
  runEphemeralStorageLimit: positiveQuantity.default('10Gi'),
  /** Webhook reachability check at create time. */
  webhookCheckTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Lifecycle resync period of the Kubernetes controller. */
  resyncSeconds: z.coerce.number().int().min(1).max(3600).default(30),
  /** What one user may consume: jobs, active runs, run-now rate, parameter size (limits-config.ts). */
  limits: jobLimitsField,
});

/** The jobs feature's settings: the `jobs` key of the config. */
export type JobsSettings = z.output<typeof jobsSchema>;

/** The config keys the jobs feature owns, and their environment variables. */
export const jobsConfig = {
  fields: {
    jobs: jobsSchema
      .refine(
        (jobs) => {
          const request = parseQuantity(jobs.runEphemeralStorageRequest);
          const limit = parseQuantity(jobs.runEphemeralStorageLimit);
          // A value that is no quantity has its own error already.
          return request === undefined || limit === undefined || request <= limit;
        },
        { error: 'must not exceed runEphemeralStorageLimit', path: ['runEphemeralStorageRequest'] },
      )
      .default(jobsSchema.parse({})),
    alerts: alertsSettingsField,
  },
  nestedEnv: {
    alerts: ALERTS_ENV,
    jobs: {
      stateDir: 'TURING_JOBS_STATE_DIR',
      runnerApiUrl: 'TURING_RUNNER_API_URL',
      runTokenSecret: 'TURING_RUN_TOKEN_SECRET',
      maxNotebookBytes: 'TURING_MAX_NOTEBOOK_BYTES',
      pythonPath: 'TURING_JOBS_PYTHON',
      resyncSeconds: 'TURING_JOBS_RESYNC_SECONDS',
      limits: 'TURING_JOBS_LIMITS',
      localRuntimeUser: 'TURING_LOCAL_RUNTIME_USER',
      localRuntimeUnsafeMultiUser: 'TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER',
      runEphemeralStorageRequest: 'TURING_RUN_EPHEMERAL_STORAGE_REQUEST',
      runEphemeralStorageLimit: 'TURING_RUN_EPHEMERAL_STORAGE_LIMIT',
      homeVolume: 'TURING_JOBS_HOME_VOLUME',
      localUserHome: 'TURING_JOBS_LOCAL_USER_HOME',
      localWarmRunners: 'TURING_JOBS_LOCAL_WARM_RUNNERS',
    },
  },
} satisfies ConfigSection;
