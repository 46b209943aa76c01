import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { artifactStoreConfigSchema } from '../artifacts/create-artifact-store.js';
import { DEFAULT_CATALOG_PATH } from '../environments/catalog/load-catalog.js';

/** A URL path that starts and ends with `/`, as JupyterHub prefixes do. */
const urlPrefix = z
  .string()
  .regex(/^\/([^?#]*\/)?$/, 'must be a path that starts and ends with "/" (e.g. /services/turing/)');

/** A whole, non-negative number of GPUs; numbers in text (env variables) are accepted. */
const gpuCount = z.coerce.number().int().min(0).max(1024);

/**
 * GPU quotas: the most GPUs one user's running servers may hold together
 * (the default server and every named server).
 */
export const quotasSchema = z.strictObject({
  /** For users without an entry in `users`. */
  defaultMaxGpus: gpuCount.default(2),
  /** Hub user name -> that user's limit, overriding the default. */
  users: z.record(z.string().min(1), gpuCount).default({}),
});

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

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

/**
 * The validated settings of hub-proxy. Field names are the keys of the
 * optional `TURING_CONFIG` JSON file; `load.ts` maps environment variables
 * onto them.
 */
export const configSchema = z
  .object({
    /** JupyterHub service name; also names the access scope and the OAuth client. */
    serviceName: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, 'must be a JupyterHub service name')
      .default('turing'),
    /** Internal URL of the hub REST API, e.g. http://hub:8081/hub/api. */
    hubApiUrl: httpUrl,
    /** The service's hub API token; also its OAuth client secret. */
    apiToken: z.string().min(8, 'must be at least 8 characters'),
    /** Path prefix the hub's proxy routes to this service. */
    servicePrefix: urlPrefix.optional(),
    /** The hub's base_url (JUPYTERHUB_BASE_URL). */
    baseUrl: urlPrefix.default('/'),
    oauthClientId: z.string().min(1).optional(),
    /** OAuth redirect URI registered with the hub (absolute URL or path). */
    oauthCallbackUrl: z
      .string()
      .regex(/^(https?:\/\/[^/]+)?\/\S*$/, 'must be an absolute URL or a path starting with "/"')
      .optional(),
    /** Public URL of the hub (`https://host/hub/`). Empty: same origin as the service. */
    publicHubUrl: httpUrl.optional(),
    listenHost: z.string().min(1).default('127.0.0.1'),
    listenPort: z.coerce.number().int().min(0).max(65535).default(8000),
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name')
      .max(63)
      .default('default'),
    /**
     * `kubernetes`: watch the cluster and run controllers under a Lease.
     * `local`: no cluster (the one-machine demo).
     */
    runtime: z.enum(['kubernetes', 'local']).default('kubernetes'),
    /** The coordination.k8s.io Lease that elects the one replica running controllers. */
    leaseName: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name')
      .default('turing-hub-proxy-controllers'),
    leaseDurationSeconds: z.coerce.number().int().min(2).max(300).default(15),
    /** Absent: in-cluster service account, or the client's default loading rules. */
    kubeconfigPath: z.string().min(1).optional(),
    /** How long a token -> identity lookup is trusted; bounds how late a scope revocation bites. */
    scopeCacheTtlMs: z.coerce.number().int().min(0).max(300_000).default(5_000),
    scopeCacheMaxEntries: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    bodyLimitBytes: z.coerce
      .number()
      .int()
      .min(1)
      .max(1024 ** 3)
      .default(8 * 1024 * 1024),
    adminScope: z.string().min(1).default('custom:turing:admin'),
    accessScope: z.string().min(1).optional(),
    cookieName: z
      .string()
      .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be a valid cookie name')
      .default('turing-auth'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** The environment catalog (`images/catalog.yaml` of the repository by default). */
    catalogPath: z.string().min(1).default(DEFAULT_CATALOG_PATH),
    /** The compatibility table; default `compatibility.yaml` next to the catalog. */
    compatibilityPath: z.string().min(1).optional(),
    quotas: quotasSchema.default({ defaultMaxGpus: 2, users: {} }),
    /** Input snapshots, output notebooks, HTML and logs. */
    artifacts: artifactStoreConfigSchema.default({
      backend: 'filesystem',
      directory: '.turing/artifacts',
      maxObjectBytes: 50 * 1024 * 1024,
      maxOwnerBytes: 1024 * 1024 * 1024,
    }),
    jobs: jobsSchema.default(jobsSchema.parse({})),
    /** Upper bound for draining requests and running shutdown hooks. */
    shutdownTimeoutMs: z.coerce.number().int().min(0).max(600_000).default(25_000),
  })
  .strict()
  .transform((c) => {
    const servicePrefix = c.servicePrefix ?? `${c.baseUrl}services/${c.serviceName}/`;
    return {
      ...c,
      hubApiUrl: c.hubApiUrl.replace(/\/+$/, ''),
      catalogPath: resolve(c.catalogPath),
      compatibilityPath: resolve(
        c.compatibilityPath ?? join(dirname(resolve(c.catalogPath)), 'compatibility.yaml'),
      ),
      servicePrefix,
      oauthClientId: c.oauthClientId ?? `service-${c.serviceName}`,
      oauthCallbackUrl: c.oauthCallbackUrl ?? `${servicePrefix}oauth_callback`,
      accessScope: c.accessScope ?? `access:services!service=${c.serviceName}`,
      // Browser-facing, so relative to the page's origin unless a public URL is known.
      authorizeUrl: c.publicHubUrl
        ? new URL(
            'api/oauth2/authorize',
            c.publicHubUrl.endsWith('/') ? c.publicHubUrl : `${c.publicHubUrl}/`,
          ).href
        : `${c.baseUrl}hub/api/oauth2/authorize`,
    };
  });

/** Raw (pre-default) settings, as read from the file and the environment. */
export type ConfigInput = z.input<typeof configSchema>;

/** The validated configuration, with every derived value filled in. */
export type Config = z.output<typeof configSchema>;
