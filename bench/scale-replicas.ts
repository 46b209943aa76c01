import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { hubProxyKubeconfig } from '../tests/support/chart-service-account.js';
import { startProcess, waitUntil, type ManagedProcess } from '../tests/support/child-process.js';
import { freePort } from '../tests/support/ports.js';

const repoRoot = resolve(import.meta.dirname, '..');

/**
 * How replicas run: `SCALE_HUB_PROXY=dist` runs the compiled `hub-proxy/dist/main.js`
 * as the image does (build it first: `npm run build`); the default runs the
 * sources through tsx, whose loader adds about 95 MiB of RSS (docs/performance.md).
 */
export function hubProxyEntry(): { loader: string[]; main: string } {
  return process.env.SCALE_HUB_PROXY === 'dist'
    ? { loader: [], main: resolve(repoRoot, 'hub-proxy/dist/main.js') }
    : { loader: ['--import', 'tsx'], main: resolve(repoRoot, 'hub-proxy/src/main.ts') };
}

/** One hub-proxy replica: `main.ts` (or `main.js`) in its own OS process, so its RSS is its own. */
export interface Replica {
  name: string;
  /** `http://127.0.0.1:<port>/services/turing` (straight to hub-proxy, not through the hub's proxy). */
  url: string;
  process: ManagedProcess;
}

/** What `/api/v1/admin/status` says about the Kubernetes side. */
export interface KubeStatus {
  lease: { identity: string; isLeader: boolean; holder?: string };
  caches: Record<string, { synced: boolean; size: number }>;
}

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
  const entry = hubProxyEntry();
  const child = startProcess(
    name,
    process.execPath,
    // Node's default heap limit, as the chart runs it; RSS is what is measured.
    [
      ...entry.loader,
      // For scale-heap.ts: SIGUSR2 writes a heap snapshot into the log directory.
      '--heapsnapshot-signal=SIGUSR2',
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
        TURING_OPS_LISTEN_PORT: '0',
        TURING_MODELS_API_KEY_LISTEN_PORT: '0',
        TURING_RUNTIME: 'kubernetes',
        TURING_KUBECONFIG: await hubProxyKubeconfig(settings.adminKubeconfig, settings.namespace),
        TURING_NAMESPACE: settings.namespace,
        TURING_LEASE_DURATION_SECONDS: String(settings.leaseSeconds),
        TURING_LOG_LEVEL: 'warn',
      },
    },
  );
  const replica = { name, url: `http://127.0.0.1:${port}/services/turing`, process: child };
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
