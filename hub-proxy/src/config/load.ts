import { closeSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ConfigSection } from './config-section.js';
import { buildConfigSchema, type Config, type ConfigInput } from './schema.js';

/** Thrown by {@link loadConfig}; the message names every bad field and where it came from. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** The config fields at fault, e.g. `['hubApiUrl']`. */
    readonly fields: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Field = keyof ConfigInput;

/**
 * Environment variables per field, strongest first. `TURING_*` serves an
 * external service; `JUPYTERHUB_*` is what the hub gives a managed one.
 */
const ENV: Partial<Record<Field, string[]>> = {
  serviceName: ['TURING_SERVICE_NAME', 'JUPYTERHUB_SERVICE_NAME'],
  hubApiUrl: ['TURING_HUB_API_URL', 'JUPYTERHUB_API_URL'],
  apiToken: ['TURING_API_TOKEN', 'JUPYTERHUB_API_TOKEN'],
  servicePrefix: ['TURING_SERVICE_PREFIX', 'JUPYTERHUB_SERVICE_PREFIX'],
  baseUrl: ['TURING_BASE_URL', 'JUPYTERHUB_BASE_URL'],
  oauthClientId: ['TURING_OAUTH_CLIENT_ID', 'JUPYTERHUB_CLIENT_ID'],
  oauthCallbackUrl: ['TURING_OAUTH_CALLBACK_URL', 'JUPYTERHUB_OAUTH_CALLBACK_URL'],
  publicHubUrl: ['TURING_PUBLIC_HUB_URL', 'JUPYTERHUB_PUBLIC_HUB_URL'],
  listenHost: ['TURING_LISTEN_HOST'],
  listenPort: ['TURING_LISTEN_PORT'],
  opsListenHost: ['TURING_OPS_LISTEN_HOST'],
  opsListenPort: ['TURING_OPS_LISTEN_PORT'],
  trustProxy: ['TURING_TRUST_PROXY'],
  namespace: ['TURING_NAMESPACE'],
  kubeconfigPath: ['TURING_KUBECONFIG'],
  runtime: ['TURING_RUNTIME'],
  leaseName: ['TURING_LEASE_NAME'],
  leaseDurationSeconds: ['TURING_LEASE_DURATION_SECONDS'],
  scopeCacheTtlMs: ['TURING_SCOPE_CACHE_TTL_MS'],
  scopeCacheMaxEntries: ['TURING_SCOPE_CACHE_MAX_ENTRIES'],
  bodyLimitBytes: ['TURING_BODY_LIMIT_BYTES'],
  adminScope: ['TURING_ADMIN_SCOPE'],
  accessScope: ['TURING_ACCESS_SCOPE'],
  cookieName: ['TURING_COOKIE_NAME'],
  logLevel: ['TURING_LOG_LEVEL'],
  shutdownTimeoutMs: ['TURING_SHUTDOWN_TIMEOUT_MS'],
  sseHeartbeatSeconds: ['TURING_SSE_HEARTBEAT_SECONDS'],
  sseMaxConnectionsPerUser: ['TURING_SSE_MAX_CONNECTIONS_PER_USER'],
};

/**
 * The token from an inherited descriptor (`hub-proxy/bin/run-with-token-fd`
 * puts it there, so it is in no process's environment) or from a file (a
 * mounted Secret). Either beats the variables.
 */
const API_TOKEN_FD_ENV = 'TURING_API_TOKEN_FD';
const API_TOKEN_FILE_ENV = 'TURING_API_TOKEN_FILE';

/** `TURING_ARTIFACTS_DIR` selects the filesystem store in that directory. */
const ARTIFACTS_DIR_ENV = 'TURING_ARTIFACTS_DIR';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Where loadConfig reads from; injectable for tests. */
export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
  /** Reads an inherited descriptor to the end and closes it. */
  readFd?: (fd: number) => string;
}

/**
 * Loads and validates the configuration once. Precedence, strongest first:
 * `TURING_*` env, `JUPYTERHUB_*` env, the JSON file named by `TURING_CONFIG`,
 * then defaults. `JUPYTERHUB_SERVICE_URL` (managed services) sets the listen
 * address unless `TURING_LISTEN_*` does. The token read from
 * `TURING_API_TOKEN_FD` or `TURING_API_TOKEN_FILE` beats every other
 * source. Throws {@link ConfigError}.
 */
export function loadConfig(sources?: ConfigSources): Config;
/** The same, with the keys a section (the features' config) adds. */
export function loadConfig<Extra extends z.ZodRawShape>(
  sources: ConfigSources,
  section: ConfigSection<Extra>,
): z.output<ReturnType<typeof buildConfigSchema<Extra>>>;
export function loadConfig(sources: ConfigSources = {}, section: ConfigSection = { fields: {} }): Config {
  const env = sources.env ?? process.env;
  const envByField: Record<string, string[] | undefined> = { ...ENV, ...section.env };
  const nestedEnv: Record<string, Record<string, string> | undefined> = { ...section.nestedEnv };
  const readFile = sources.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const raw: Record<string, unknown> = { ...readConfigFile(env.TURING_CONFIG, readFile) };
  const origin: Record<string, string> = {};

  const serviceUrl = nonEmpty(env.JUPYTERHUB_SERVICE_URL);
  if (serviceUrl) {
    const listen = parseListenUrl(serviceUrl);
    raw.listenHost = listen.host;
    raw.listenPort = listen.port;
    origin.listenHost = origin.listenPort = 'JUPYTERHUB_SERVICE_URL';
  }
  for (const [field, names] of Object.entries(envByField)) {
    if (!names) continue;
    // Reverse so the strongest variable is applied last.
    for (const name of [...names].reverse()) {
      const value = nonEmpty(env[name]);
      if (value === undefined) continue;
      raw[field] = value;
      origin[field] = name;
    }
  }
  for (const [nested, fields] of Object.entries(nestedEnv)) {
    if (!fields) continue;
    for (const [field, name] of Object.entries(fields)) {
      const value = nonEmpty(env[name]);
      if (value === undefined) continue;
      const current = raw[nested];
      raw[nested] = { ...(typeof current === 'object' && current !== null ? current : {}), [field]: value };
      origin[nested] = name;
    }
  }
  const token = readApiToken(env, readFile, sources.readFd ?? readAndCloseFd);
  if (token) {
    raw.apiToken = token.value;
    origin.apiToken = token.origin;
  }
  const artifactsDir = nonEmpty(env[ARTIFACTS_DIR_ENV]);
  if (artifactsDir !== undefined) {
    raw.artifacts = { backend: 'filesystem', directory: artifactsDir };
    origin.artifacts = ARTIFACTS_DIR_ENV;
  }
  if (raw.namespace === undefined) {
    const ns = tryRead(readFile, SERVICE_ACCOUNT_NAMESPACE)?.trim();
    if (ns) raw.namespace = ns;
  }

  const result = buildConfigSchema(section.fields).safeParse(raw);
  if (result.success) return result.data as Config;
  throw toConfigError(result.error, origin, envByField);
}

function readConfigFile(
  path: string | undefined,
  readFile: (path: string) => string,
): Record<string, unknown> {
  if (!nonEmpty(path) || path === undefined) return {};
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError(`TURING_CONFIG: cannot read ${path}: ${(err as Error).message}`, ['TURING_CONFIG']);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`TURING_CONFIG: ${path} is not valid JSON: ${(err as Error).message}`, [
      'TURING_CONFIG',
    ]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`TURING_CONFIG: ${path} must hold a JSON object`, ['TURING_CONFIG']);
  }
  return parsed as Record<string, unknown>;
}

/** The token from `TURING_API_TOKEN_FD` or `TURING_API_TOKEN_FILE`, if either is set. */
function readApiToken(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string,
  readFd: (fd: number) => string,
): { value: string; origin: string } | undefined {
  const fdText = nonEmpty(env[API_TOKEN_FD_ENV]);
  const path = nonEmpty(env[API_TOKEN_FILE_ENV]);
  const origin = fdText !== undefined ? API_TOKEN_FD_ENV : API_TOKEN_FILE_ENV;
  let text: string;
  try {
    if (fdText !== undefined) {
      if (!/^\d+$/.test(fdText)) throw new Error(`not a file descriptor number: ${fdText}`);
      text = readFd(Number(fdText));
    } else if (path !== undefined) {
      text = readFile(path);
    } else {
      return undefined;
    }
  } catch (err) {
    throw new ConfigError(`apiToken (from ${origin}): cannot read the token: ${(err as Error).message}`, [
      'apiToken',
    ]);
  }
  return { value: text.trim(), origin };
}

function readAndCloseFd(fd: number): string {
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

function parseListenUrl(value: string): { host: string; port: number | string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`listenHost (JUPYTERHUB_SERVICE_URL): not a URL: ${value}`, ['listenHost']);
  }
  const port = url.port || (url.protocol === 'https:' ? 443 : 80);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

function toConfigError(
  error: z.ZodError,
  origin: Record<string, string>,
  envByField: Record<string, string[] | undefined>,
): ConfigError {
  const fields: string[] = [];
  const lines = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      fields.push(...issue.keys);
      return `${issue.keys.join(', ')}: unknown config field`;
    }
    const field = issue.path.map(String).join('.') || '(root)';
    fields.push(field);
    const top = String(issue.path[0] ?? '');
    const source = origin[top] ?? envByField[top]?.join(' or ');
    const where = source ? ` (${origin[top] ? 'from' : 'env'} ${source})` : '';
    return `${field}${where}: ${issue.message}`;
  });
  return new ConfigError(`Invalid configuration: ${lines.join('; ')}`, fields);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function tryRead(readFile: (path: string) => string, path: string): string | undefined {
  try {
    return readFile(path);
  } catch {
    return undefined;
  }
}
