import { networkInterfaces } from 'node:os';

/**
 * A host and port webhooks must never reach, even inside an allowed range:
 * posting there would let a job owner talk to the control plane with
 * hub-proxy's network position.
 */
export interface ProtectedEndpoint {
  /** A host name or IP address. */
  host: string;
  port: number;
  /** What lives there, for the log. */
  what: string;
}

/** Where hub-proxy's own neighbours live; see {@link protectedEndpoints}. */
export interface ProtectedEndpointSources {
  hubApiUrl: string;
  listenHost: string;
  listenPort: number;
  /** The URL runner pods use to reach hub-proxy (its Service), if configured. */
  runnerApiUrl?: string | undefined;
  /** The `server` of the kubeconfig's current cluster. */
  kubeApiServer?: string | undefined;
  /** Read for `KUBERNETES_SERVICE_HOST` / `KUBERNETES_SERVICE_PORT` (set in every pod). */
  env?: NodeJS.ProcessEnv;
  /** The machine's own addresses, for a listener on all of them; default: every interface's. */
  localAddresses?: () => string[];
}

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::']);

function endpointOf(url: string, what: string): ProtectedEndpoint | undefined {
  try {
    const parsed = new URL(url);
    const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
    return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port, what };
  } catch {
    return undefined;
  }
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((info) => info.address));
}

/**
 * The hub API, hub-proxy itself (its listener, on every local address if it
 * listens on all of them, and its Service URL) and the Kubernetes API
 * server (from the pod's environment and from the kubeconfig), without
 * repeats.
 */
export function protectedEndpoints(sources: ProtectedEndpointSources): ProtectedEndpoint[] {
  const env = sources.env ?? process.env;
  const found: (ProtectedEndpoint | undefined)[] = [endpointOf(sources.hubApiUrl, 'the hub API')];
  const listenHosts = WILDCARD_HOSTS.has(sources.listenHost)
    ? ['127.0.0.1', '::1', ...(sources.localAddresses ?? interfaceAddresses)()]
    : [sources.listenHost];
  for (const host of listenHosts) found.push({ host, port: sources.listenPort, what: 'hub-proxy' });
  if (sources.runnerApiUrl) found.push(endpointOf(sources.runnerApiUrl, 'hub-proxy'));
  const serviceHost = env.KUBERNETES_SERVICE_HOST;
  if (serviceHost) {
    found.push({
      host: serviceHost,
      port: Number(env.KUBERNETES_SERVICE_PORT) || 443,
      what: 'the Kubernetes API',
    });
  }
  if (sources.kubeApiServer) found.push(endpointOf(sources.kubeApiServer, 'the Kubernetes API'));

  const seen = new Set<string>();
  return found.filter((endpoint): endpoint is ProtectedEndpoint => {
    if (!endpoint) return false;
    const key = `${endpoint.host.toLowerCase()}|${endpoint.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
