import type { KubernetesObject } from '@kubernetes/client-node';
import type { InformerCache, KubeClients } from '../hub-proxy/src/k8s/index.js';
import { waitUntil } from '../tests/support/child-process.js';
import { isReady, kubeStatus, type Replica } from './scale-replicas.js';
import { benchNotebookJob, createNotebookJobs, QUIET_SCHEDULE } from './scale-seed.js';

/** Leader handover, timed from the leader's SIGKILL. */
export interface HandoverFigures {
  leaseSeconds: number;
  /** Until the survivor reports holding the Lease. */
  leadingSeconds: number;
  /** Until the survivor's `/readyz` is 200 (every cache synced) while leading. */
  readySeconds: number;
  /**
   * Until a NotebookJob created right after the kill has its status written
   * by the new leader: it has started its controllers (the ScheduleFirer
   * with them), worked through the resync of every existing job and
   * reconciled a fresh one. This is `handover_ready_s`.
   */
  reconciledSeconds: number;
}

/** Which of `replicas` holds the Lease (waits until exactly one says so). */
export async function leaderOf(replicas: Replica[], adminToken: string): Promise<Replica> {
  let leader: Replica | undefined;
  await waitUntil(
    'one leader',
    async () => {
      const statuses = await Promise.all(replicas.map((r) => kubeStatus(r, adminToken)));
      const leading = replicas.filter((_, i) => statuses[i]?.lease.isLeader);
      leader = leading.length === 1 ? leading[0] : undefined;
      return leader !== undefined;
    },
    { timeoutMs: 120_000, intervalMs: 200 },
  );
  return leader as Replica;
}

/**
 * Kills the leader with SIGKILL (no Lease release: the survivor must wait
 * for it to expire), creates a probe NotebookJob at once, and times the
 * survivor's takeover.
 */
export async function measureHandover(options: {
  replicas: Replica[];
  adminToken: string;
  clients: KubeClients;
  namespace: string;
  notebookJobs: InformerCache<KubernetesObject>;
  leaseSeconds: number;
}): Promise<HandoverFigures & { survivor: Replica }> {
  const { replicas, adminToken, clients, namespace, notebookJobs } = options;
  const leader = await leaderOf(replicas, adminToken);
  const survivor = replicas.find((r) => r !== leader) as Replica;
  const t0 = Date.now();
  leader.process.child.kill('SIGKILL');
  await leader.process.exited;
  const probe = benchNotebookJob('user-0000', `handover-probe`, { cron: QUIET_SCHEDULE });
  const { created } = await createNotebookJobs(clients, namespace, [probe], 1);
  const probeName = created[0]?.metadata.name ?? '';

  let leadingAt = 0;
  let readyAt = 0;
  let reconciledAt = 0;
  await waitUntil(
    'the survivor leads, is ready and has reconciled the probe',
    async () => {
      const now = Date.now();
      if (!leadingAt && (await kubeStatus(survivor, adminToken))?.lease.isLeader) leadingAt = now;
      if (leadingAt && !readyAt && (await isReady(survivor))) readyAt = now;
      const observed = (
        notebookJobs.get(probeName) as { status?: { observedGeneration?: number } } | undefined
      )?.status?.observedGeneration;
      if (!reconciledAt && observed !== undefined) reconciledAt = now;
      return leadingAt > 0 && readyAt > 0 && reconciledAt > 0;
    },
    { timeoutMs: 900_000, intervalMs: 100 },
  );
  return {
    survivor,
    leaseSeconds: options.leaseSeconds,
    leadingSeconds: (leadingAt - t0) / 1000,
    readySeconds: (readyAt - t0) / 1000,
    reconciledSeconds: (reconciledAt - t0) / 1000,
  };
}
