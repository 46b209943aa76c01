import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { hubProxyKubeconfig } from '../tests/support/chart-service-account.js';
import { parseDockerfile } from '../tests/support/dockerfile.js';
import { startProcess, waitUntil, type ManagedProcess } from '../tests/support/child-process.js';
import { freePort } from '../tests/support/ports.js';

const repoRoot = resolve(import.meta.dirname, '..');

/**
 * How replicas run: the bundle `hub-proxy/dist/hub-proxy.mjs`, as the image
 * runs it (`npm run bench:scale` builds it first). `SCALE_HUB_PROXY=dist` runs
 * the compiled modules (`dist/main.js`) instead, and `SCALE_HUB_PROXY=src` the
 * sources through tsx, whose loader adds about 95 MiB of RSS
 * (docs/performance.md).
 */
export function hubProxyEntry(): { loader: string[]; main: string } {
  switch (process.env.SCALE_HUB_PROXY) {
    case 'src':
      return { loader: ['--import', 'tsx'], main: resolve(repoRoot, 'hub-proxy/src/main.ts') };
    case 'dist':
      return { loader: [], main: resolve(repoRoot, 'hub-proxy/dist/main.js') };
    default:
      return { loader: [], main: resolve(repoRoot, 'hub-proxy/dist/hub-proxy.mjs') };
  }
}

/**
 * The Node flags the hub-proxy image's ENTRYPOINT gives (the words between
 * `node` and the script), so replicas run with the flags a pod runs with.
 */
export function imageNodeFlags(): string[] {
  const dockerfile = parseDockerfile(readFileSync(resolve(repoRoot, 'images/hub-proxy/Dockerfile'), 'utf8'));
  const entrypoint = dockerfile.stages
    .at(-1)
    ?.instructions.filter((i) => i.keyword === 'ENTRYPOINT')
    .at(-1);
  const words = entrypoint ? (JSON.parse(entrypoint.args) as string[]) : [];
  return words.slice(1, -1);
}

/**
 * The heap limit replicas run with: the chart's default `hubProxy.heapLimitMiB`
 * (helm/turing/values.yaml), as a deployed replica gets it, unless
 * `SCALE_HEAP_LIMIT_MIB` says otherwise (0: Node's own default).
 */
export function heapLimitMiB(): number {
  const values = parse(readFileSync(resolve(repoRoot, 'helm/turing/values.yaml'), 'utf8')) as {
    hubProxy?: { heapLimitMiB?: number };
  };
  return Number(process.env.SCALE_HEAP_LIMIT_MIB ?? values.hubProxy?.heapLimitMiB ?? 0);
}

/** One hub-proxy replica: `main.ts` (or `main.js`) in its own OS process, so its RSS is its own. */
export interface Replica {
  name: string;
  /** `http://127.0.0.1:<port>/services/turing` (straight to hub-proxy, not through the hub's proxy). */
  url: string;
  /** `http://127.0.0.1:<port>`: the operations listener (`/metrics`, `/readyz`). */
  opsUrl: string;
  process: ManagedProcess;
}

/** What `/api/v1/admin/status` says about the Kubernetes side. */
export interface KubeStatus {
  lease: { identity: string; isLeader: boolean; holder?: string };
  caches: Record<string, { synced: boolean; size: number }>;
}

/** The runner API address the replicas put into run pods (no pod reaches it: kwok runs them). */
export const RUNNER_API_URL = 'http://turing-hub-proxy:8080/services/turing/';

/** Settings every replica of one benchmark shares. */
export interface ReplicaSettings {
  hubApiUrl: string;
  serviceToken: string;
  adminKubeconfig: string;
  namespace: string;
  /** Log files, and heap snapshots. */
  logDir: string;
  leaseSeconds: number;
}

/**
 * Starts a replica as the chart runs it (the chart's ServiceAccount and RBAC)
 * and returns once it answers; its caches may still be syncing.
 */
export async function startReplica(name: string, settings: ReplicaSettings): Promise<Replica> {
  const port = await freePort();
  const opsPort = await freePort();
  const entry = hubProxyEntry();
  const heapLimit = heapLimitMiB();
  const child = startProcess(
    name,
    process.execPath,
    // The chart's heap limit (NODE_OPTIONS there); RSS is what is measured.
    [
      ...entry.loader,
      ...(heapLimit > 0 ? [`--max-old-space-size=${heapLimit}`] : []),
      ...imageNodeFlags(),
      // For scale-heap.ts: SIGUSR2 writes a heap snapshot into the log directory.
      '--heapsnapshot-signal=SIGUSR2',
      // Extra flags to try, space-separated (not part of any figure unless said).
      ...(process.env.SCALE_NODE_FLAGS ?? '').split(' ').filter(Boolean),
      `--diagnostic-dir=${settings.logDir}`,
      entry.main,
    ],
    {
      cwd: repoRoot,
      logDir: settings.logDir,
      secretsScan: false,
      env: {
        ...process.env,
        TURING_HUB_API_URL: settings.hubApiUrl,
        TURING_API_TOKEN: settings.serviceToken,
        TURING_LISTEN_PORT: String(port),
        TURING_OPS_LISTEN_PORT: String(opsPort),
        TURING_MODELS_API_KEY_LISTEN_PORT: '0',
        // One address for all replicas, as the chart gives them (its Service).
        TURING_RUNNER_API_URL: RUNNER_API_URL,
        TURING_RUNTIME: 'kubernetes',
        TURING_KUBECONFIG: await hubProxyKubeconfig(settings.adminKubeconfig, settings.namespace),
        TURING_NAMESPACE: settings.namespace,
        TURING_LEASE_DURATION_SECONDS: String(settings.leaseSeconds),
        TURING_LOG_LEVEL: 'warn',
      },
    },
  );
  const replica = {
    name,
    url: `http://127.0.0.1:${port}/services/turing`,
    opsUrl: `http://127.0.0.1:${opsPort}`,
    process: child,
  };
  // `/readyz` answers 503 until the caches sync: any answer means it is listening.
  await waitUntil(`${name} answering`, async () => (await fetch(`${replica.url}/readyz`)).status > 0, {
    timeoutMs: 120_000,
    process: child,
  });
  return replica;
}

/** The replica's Kubernetes status, or undefined while it cannot say. */
export async function kubeStatus(replica: Replica, adminToken: string): Promise<KubeStatus | undefined> {
  const res = await fetch(`${replica.url}/api/v1/admin/status`, {
    headers: { Authorization: `token ${adminToken}` },
  });
  if (!res.ok) return undefined;
  return ((await res.json()) as { status: { kubernetes: KubeStatus } }).status.kubernetes;
}

/** True when every cache of the replica is synced (its `/readyz` is 200). */
export async function isReady(replica: Replica): Promise<boolean> {
  return (await fetch(`${replica.url}/readyz`)).ok;
}

/** Resident set size of the replica's process (Linux `/proc/<pid>/status`), in MiB. */
export function rssMb(replica: Replica): number {
  const pid = replica.process.child.pid;
  if (pid === undefined) return NaN;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** What the replica's `/metrics` says of its memory, in MiB (prom-client's default Node.js metrics). */
export interface HeapFigures {
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

/** The figures, or undefined when the replica does not answer. */
export async function heapFigures(replica: Replica): Promise<HeapFigures | undefined> {
  const res = await fetch(`${replica.opsUrl}/metrics`).catch(() => undefined);
  if (!res?.ok) return undefined;
  const text = await res.text();
  const mb = (metric: string) => {
    const match = new RegExp(`^turing_${metric}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    return match ? Math.round((Number(match[1]) / 2 ** 20) * 10) / 10 : NaN;
  };
  return {
    heapUsedMb: mb('nodejs_heap_size_used_bytes'),
    heapTotalMb: mb('nodejs_heap_size_total_bytes'),
    externalMb: mb('nodejs_external_memory_bytes'),
  };
}

/** Samples each replica's RSS every `intervalMs` and keeps the highest: the peak a memory limit must allow. */
export function sampleRssPeaks(replicas: readonly Replica[], intervalMs = 1_000): { stop(): number[] } {
  const peaks = replicas.map(() => 0);
  const sample = () =>
    replicas.forEach((replica, i) => {
      // A replica that has exited has no /proc entry: its peak stays as sampled.
      const rss = (() => {
        try {
          return rssMb(replica);
        } catch {
          return 0;
        }
      })();
      if (rss > (peaks[i] as number)) peaks[i] = rss;
    });
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}
