import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubProxyKubeconfig } from '../support/chart-service-account.js';
import { startProcess, waitUntil, type ManagedProcess } from '../support/child-process.js';
import { ControlPlane } from '../support/control-plane.js';
import { installCrds } from '../support/crds.js';
import { createNamespace } from '../support/namespaces.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';
import type { JupyterHub } from '../support/jupyterhub.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const LEASE_SECONDS = 4;
const LEASE_NAME = 'turing-hub-proxy-controllers';

interface Replica {
  url: string;
  /** The operations listener: /healthz, /readyz with detail, /metrics. */
  opsUrl: string;
  process: ManagedProcess;
}

interface KubernetesStatus {
  lease: { identity: string; isLeader: boolean; holder?: string };
  caches: Record<string, { synced: boolean }>;
}

// Two real hub-proxy processes (main.ts) against their own control plane, so
// restarting kube-apiserver here does not disturb other test files.
describe('hub-proxy replicas on a real cluster', () => {
  const controlPlane = new ControlPlane();
  const serviceToken = randomBytes(24).toString('hex');
  const namespace = `replicas-${randomBytes(3).toString('hex')}`;
  const replicas: Replica[] = [];
  let hub: JupyterHub;
  let adminToken = '';
  let leases: CoordinationV1Api;

  async function startReplica(name: string): Promise<Replica> {
    const port = await freePort();
    const opsPort = await freePort();
    const process_ = startProcess(
      name,
      process.execPath,
      ['--import', 'tsx', resolve(repoRoot, 'hub-proxy/src/main.ts')],
      {
        cwd: repoRoot,
        logDir: controlPlane.dir,
        env: {
          ...process.env,
          TURING_HUB_API_URL: hub.apiUrl,
          TURING_API_TOKEN: serviceToken,
          TURING_LISTEN_PORT: String(port),
          TURING_OPS_LISTEN_PORT: String(opsPort),
          TURING_MODELS_API_KEY_LISTEN_PORT: '0',
          // As the chart's ServiceAccount, with exactly the chart's RBAC.
          TURING_KUBECONFIG: await hubProxyKubeconfig(controlPlane.kubeconfigPath, namespace),
          TURING_NAMESPACE: namespace,
          TURING_LEASE_DURATION_SECONDS: String(LEASE_SECONDS),
        },
      },
    );
    const replica = {
      url: `http://127.0.0.1:${port}/services/turing`,
      opsUrl: `http://127.0.0.1:${opsPort}`,
      process: process_,
    };
    await waitUntil(`${name} ready`, async () => (await fetch(`${replica.url}/readyz`)).ok, {
      timeoutMs: 60_000,
      process: process_,
    });
    replicas.push(replica);
    return replica;
  }

  async function kubeStatus(replica: Replica): Promise<KubernetesStatus> {
    const res = await fetch(`${replica.url}/api/v1/admin/status`, {
      headers: { Authorization: `token ${adminToken}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { status: { kubernetes: KubernetesStatus } }).status.kubernetes;
  }

  async function leaseHolder(): Promise<string | undefined> {
    const lease = await leases.readNamespacedLease({ name: LEASE_NAME, namespace });
    return lease.spec?.holderIdentity ?? undefined;
  }

  async function waitForLeader(among: Replica[], timeoutMs: number): Promise<Replica> {
    let leader: Replica | undefined;
    await waitUntil(
      'a leader',
      async () => {
        const statuses = await Promise.all(among.map((r) => kubeStatus(r)));
        const leading = among.filter((_, i) => statuses[i]?.lease.isLeader);
        leader = leading.length === 1 ? leading[0] : undefined;
        return leader !== undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
    return leader as Replica;
  }

  beforeAll(async () => {
    await controlPlane.start();
    await installCrds(controlPlane.kubeconfigPath);
    await createNamespace(controlPlane.kubeconfigPath, namespace);
    const kc = new KubeConfig();
    kc.loadFromFile(controlPlane.kubeconfigPath);
    leases = kc.makeApiClient(CoordinationV1Api);
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${await freePort()}` });
    await hub.start();
    adminToken = await hub.tokenFor('admin');
    await startReplica('hub-proxy-a');
    await startReplica('hub-proxy-b');
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.process.stop()));
    await hub?.stop();
    await controlPlane.stop();
  });

  it('lets exactly one of two replicas hold the controller Lease', async () => {
    const leader = await waitForLeader(replicas, 15_000);
    const statuses = await Promise.all(replicas.map((r) => kubeStatus(r)));
    expect(statuses.filter((s) => s.lease.isLeader)).toHaveLength(1);
    expect(await leaseHolder()).toBe((await kubeStatus(leader)).lease.identity);
  });

  it('reports the environments, jobs and models caches through one registry: status, readiness and metrics', async () => {
    const replica = replicas[0] as Replica;
    const labels = [
      'cluster-pods',
      'cronjobs',
      'jobs',
      'model-deployments',
      'model-endpointslices',
      'model-pods',
      'modelservers',
      'nodes',
      'notebookjobs',
      'pods',
    ];
    await waitUntil(
      'every cache synced',
      async () => {
        const { caches } = await kubeStatus(replica);
        return labels.every((label) => caches[label]?.synced === true);
      },
      { timeoutMs: 30_000 },
    );
    expect(Object.keys((await kubeStatus(replica)).caches).sort()).toEqual(labels);
    const metrics = await (await fetch(`${replica.opsUrl}/metrics`)).text();
    for (const label of labels) {
      expect(metrics).toContain(`turing_cache_entries{cache="${label}"}`);
      expect(metrics).toContain(`turing_informer_synced{resource="${label}"} 1`);
    }
  });

  it('reports not ready while kube-apiserver is down and ready again after it returns', async () => {
    const replica = replicas[0] as Replica;
    const seen: boolean[] = [];
    const recovered = () => {
      const firstDown = seen.indexOf(false);
      return firstDown > -1 && seen.slice(firstDown).includes(true);
    };
    let restarted = false;
    const deadline = Date.now() + 60_000;
    // Samples until it has seen the replica go unready and come back (after the restart), bounded.
    const poller = (async () => {
      while (!(restarted && recovered()) && Date.now() < deadline) {
        seen.push((await fetch(`${replica.url}/readyz`)).ok);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await controlPlane.restartApiServer(2_000);
    restarted = true;
    const back = Date.now();
    await waitUntil('readyz after restart', async () => (await fetch(`${replica.url}/readyz`)).ok, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    console.log(`[hub-proxy] /readyz true again ${Date.now() - back} ms after kube-apiserver was ready`);
    await poller;
    expect(recovered()).toBe(true);
    // Once back, it stays ready: no cache drops out again.
    const after: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      after.push((await fetch(`${replica.url}/readyz`)).ok);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(after).toEqual(Array(10).fill(true));
    const status = await kubeStatus(replica);
    expect(Object.values(status.caches).every((c) => c.synced)).toBe(true);
  });

  it('hands the Lease to the survivor within the lease duration when the leader is killed', async () => {
    const leader = await waitForLeader(replicas, 15_000);
    const survivor = replicas.find((r) => r !== leader) as Replica;
    const killedAt = Date.now();
    leader.process.child.kill('SIGKILL');
    await leader.process.exited;
    replicas.splice(replicas.indexOf(leader), 1);
    const next = await waitForLeader([survivor], (LEASE_SECONDS + 3) * 1000);
    const handover = Date.now() - killedAt;
    console.log(`[hub-proxy] Lease handover after SIGKILL: ${handover} ms (lease ${LEASE_SECONDS} s)`);
    expect(next).toBe(survivor);
    expect(handover).toBeLessThan((LEASE_SECONDS + 3) * 1000);
    expect(await leaseHolder()).toBe((await kubeStatus(survivor)).lease.identity);
  });

  it('releases the Lease on SIGTERM so a new replica takes over at once, and exits 0', async () => {
    const leader = await waitForLeader(replicas, 15_000);
    const fresh = await startReplica('hub-proxy-c');
    expect((await kubeStatus(fresh)).lease.isLeader).toBe(false);
    const stoppedAt = Date.now();
    leader.process.child.kill('SIGTERM');
    expect(await leader.process.exited).toBe(0);
    replicas.splice(replicas.indexOf(leader), 1);
    await waitForLeader([fresh], LEASE_SECONDS * 1000);
    const handover = Date.now() - stoppedAt;
    console.log(`[hub-proxy] Lease handover after SIGTERM: ${handover} ms`);
    // Well under the lease duration: the old leader released it rather than letting it expire.
    expect(handover).toBeLessThan(LEASE_SECONDS * 1000);
  });
});
