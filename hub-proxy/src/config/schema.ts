import { z } from 'zod';
import { artifactStoreConfigSchema } from '../artifacts/create-artifact-store.js';
import { trustProxySchema } from './trust-proxy.js';

/** A URL path that starts and ends with `/`, as JupyterHub prefixes do. */
const urlPrefix = z
  .string()
  .regex(/^\/([^?#]*\/)?$/, 'must be a path that starts and ends with "/" (e.g. /services/turing/)');

/** An http(s) URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/**
 * The validated settings of hub-proxy. Field names are the keys of the
 * optional `TURING_CONFIG` JSON file; `load.ts` maps environment variables
 * onto them.
 */
export const coreConfigFields = {
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
  /**
   * The operations listener (`/healthz`, `/readyz` with detail, `/metrics`):
   * a separate address the hub's proxy does not route to.
   */
  opsListenHost: z.string().min(1).default('127.0.0.1'),
  /** Default 9090, or 0 (ephemeral) when `listenPort` is 0. */
  opsListenPort: z.coerce.number().int().min(0).max(65535).optional(),
  /** Whose `X-Forwarded-*` headers to believe (express `trust proxy`); default none. */
  trustProxy: trustProxySchema.default(false),
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
  /** Input snapshots, output notebooks, HTML and logs. */
  artifacts: artifactStoreConfigSchema.default({
    backend: 'filesystem',
    directory: '.turing/artifacts',
    maxObjectBytes: 50 * 1024 * 1024,
    maxOwnerBytes: 1024 * 1024 * 1024,
  }),
  /** Event streams (SSE): a `:` comment line this often keeps idle streams open through proxies. */
  sseHeartbeatSeconds: z.coerce.number().min(1).max(300).default(15),
  /** Event streams one user may hold open at once (per replica); more get 429. */
  sseMaxConnectionsPerUser: z.coerce.number().int().min(1).max(1000).default(5),
  /** Upper bound for draining requests and running shutdown hooks. */
  shutdownTimeoutMs: z.coerce.number().int().min(0).max(600_000).default(25_000),
};

type CoreFields = z.output<z.ZodObject<typeof coreConfigFields>>;

/** The operations port: configured, else 9090, or ephemeral beside an ephemeral public port. */
function opsPortOf(c: Pick<CoreFields, 'listenPort' | 'opsListenPort'>): number {
  return c.opsListenPort ?? (c.listenPort === 0 ? 0 : DEFAULT_OPS_PORT);
}

const DEFAULT_OPS_PORT = 9090;

/** Values derived from the shared fields (prefix, OAuth client, scopes, authorize URL). */
function deriveCore(c: CoreFields) {
  const servicePrefix = c.servicePrefix ?? `${c.baseUrl}services/${c.serviceName}/`;
  return {
    opsListenPort: opsPortOf(c),
    hubApiUrl: c.hubApiUrl.replace(/\/+$/, ''),
    servicePrefix,
    oauthClientId: c.oauthClientId ?? `service-${c.serviceName}`,
    oauthCallbackUrl: c.oauthCallbackUrl ?? `${servicePrefix}oauth_callback`,
    accessScope: c.accessScope ?? `access:services!service=${c.serviceName}`,
    // Browser-facing, so relative to the page's origin unless a public URL is known.
    authorizeUrl: c.publicHubUrl
      ? new URL('api/oauth2/authorize', c.publicHubUrl.endsWith('/') ? c.publicHubUrl : `${c.publicHubUrl}/`)
          .href
      : `${c.baseUrl}hub/api/oauth2/authorize`,
  };
}

/**
 * The config schema: the shared fields plus `extra` (the features' fields,
 * see `ConfigSection`), strict, with the shared derived values filled in.
 */
export function buildConfigSchema<Extra extends z.ZodRawShape>(extra: Extra) {
  return z
    .object({ ...coreConfigFields, ...extra })
    .strict()
    .superRefine((c, ctx) => {
      const core = c as CoreFields;
      if (core.listenPort !== 0 && opsPortOf(core) === core.listenPort) {
        ctx.addIssue({
          code: 'custom',
          path: ['opsListenPort'],
          message: 'must differ from listenPort: the operations endpoints stay off the public listener',
        });
      }
    })
    .transform((c) => ({ ...c, ...deriveCore(c as CoreFields) }));
}

/** The shared settings alone (what shared folders may rely on). */
export const configSchema = buildConfigSchema({});

/** Raw (pre-default) settings, as read from the file and the environment. */
export type ConfigInput = z.input<typeof configSchema>;

/** The validated configuration, with every derived value filled in. */
export type Config = z.output<typeof configSchema>;
