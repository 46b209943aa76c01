import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { FilesystemArtifactStore } from '../../hub-proxy/src/artifacts/filesystem-store.js';
import { loadConfig } from '../../hub-proxy/src/config/load.js';
import {
  describeJobRuntimeContract,
  type ContractRunBehaviour,
} from '../../hub-proxy/src/jobs/job-runtime-contract.js';
import { KubernetesJobRuntime } from '../../hub-proxy/src/jobs/kubernetes/index.js';
import { LocalJobRuntime } from '../../hub-proxy/src/jobs/local/index.js';
import type { NotebookJob } from '../../hub-proxy/src/jobs/model.js';
import { HmacRunTokens } from '../../hub-proxy/src/jobs/run-token.js';
import { RunnerApiService } from '../../hub-proxy/src/jobs/runner-api.js';
import { runnerRoutes } from '../../hub-proxy/src/jobs/runner-routes.js';
import { ControllerManager } from '../../hub-proxy/src/k8s/controller/index.js';
import { createKubeClients } from '../../hub-proxy/src/k8s/index.js';
import { createLogger } from '../../hub-proxy/src/observability/logger.js';
import { startHubProxy } from '../../hub-proxy/src/server.js';
import { eventually } from '../support/eventually.js';
import { localJobFor } from '../support/local-job.js';
import { hubProxyKubeconfig } from '../support/chart-service-account.js';
import { createNamespace } from '../support/namespaces.js';
import { KWOK_OUTCOME_LABEL, notebookJobFixture } from '../support/notebook-job-fixtures.js';
import { pythonNotebook } from '../support/notebooks.js';

/**
 * The JobRuntime contract (hub-proxy/src/jobs/job-runtime-contract.ts) on
 * both real runtimes: local (real papermill from the project .venv, talking
 * to an in-process runner API) and kubernetes (the shared kube-apiserver,
 * controller-manager and kwok, which completes pods as their outcome label says).
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** What the local runtime's runs execute, per behaviour. */
const NOTEBOOKS: Record<ContractRunBehaviour, string[]> = {
  succeed: ['print("ok")'],
  fail: ['x = 1', 'x / 0'],
  hang: ['print("sleeping", flush=True)', 'import time\ntime.sleep(300)'],
};

describeJobRuntimeContract('local (papermill)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'turing-runtime-contract-'));
  const artifacts = new FilesystemArtifactStore({
    directory: join(dir, 'artifacts'),
    maxObjectBytes: 16 * 1024 * 1024,
    maxOwnerBytes: 256 * 1024 * 1024,
  });
  const tokens = new HmacRunTokens(randomBytes(32).toString('hex'));
  const logger = createLogger({ level: 'warn' });
  const config = loadConfig({
    env: {
      // Nothing listens there: the runner routes never ask the hub.
      TURING_HUB_API_URL: 'http://127.0.0.1:9/hub/api',
      TURING_API_TOKEN: randomBytes(16).toString('hex'),
      TURING_LISTEN_PORT: '0',
      TURING_RUNTIME: 'local',
      TURING_LOG_LEVEL: 'warn',
    },
    readFile: () => {
      throw new Error('no config files in tests');
    },
  });
  let runnerBase = '';
  const runtime = new LocalJobRuntime({
    stateDir: join(dir, 'state'),
    artifacts,
    tokens,
    runnerApiUrl: () => runnerBase,
    pythonPath: join(REPO, '.venv', 'bin', 'python'),
    logger,
    killGraceMs: 2000,
  });
  // The runner fetches its notebook and uploads its outputs through the runner API, as a pod would.
  const proxy = await startHubProxy(config, {
    routes: runnerRoutes(new RunnerApiService({ runtime, artifacts, tokens })),
    logger,
  });
  runnerBase = `${proxy.url}${config.servicePrefix}`;
  await runtime.start();

  /** Stores the snapshot and builds the NotebookJob, as the jobs service would. */
  const makeJob = (owner: string, jobName: string, behaviour: ContractRunBehaviour): Promise<NotebookJob> =>
    localJobFor(artifacts, owner, jobName, pythonNotebook({ cells: NOTEBOOKS[behaviour] }), {
      historyLimit: 20,
    });

  return {
    runtime,
    makeJob,
    runTimeoutMs: 90_000,
    // Records are in memory and written through: a write shows in the next read.
    readLagMs: 0,
    cleanup: async () => {
      await runtime.stop();
      await proxy.shutdown('test done');
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describeJobRuntimeContract('kubernetes (kube-apiserver + kwok)', async () => {
  const kubeconfigPath = inject('kubeconfigPath');
  const clients = createKubeClients({
    kubeconfigPath,
    namespace: `contract-${randomBytes(3).toString('hex')}`,
  });
  await createNamespace(kubeconfigPath, clients.namespace);
  // This replica always leads: the contract is about the runtime, not about the Lease.
  const controllers = new ControllerManager({ leadership: { isLeader: true }, pollMs: 100 });
  const runtime = new KubernetesJobRuntime({
    // As the chart's ServiceAccount, with exactly the chart's RBAC.
    clients: createKubeClients({
      kubeconfigPath: await hubProxyKubeconfig(kubeconfigPath, clients.namespace),
      namespace: clients.namespace,
    }),
    controllers,
    tokens: new HmacRunTokens('a test secret of at least sixteen characters'),
    runnerApiUrl: 'http://hub-proxy.turing.svc:8080/services/turing/',
    gpuPlacementFor: () => undefined,
    resyncMs: 2000,
  });
  await runtime.start();
  controllers.start();
  await eventually('the NotebookJob controller to run', 15_000, () => {
    const status = controllers.status().controllers;
    return status.length > 0 && status.every((c) => c.running);
  });

  return {
    runtime,
    // kwok completes a pod unless its outcome label (copied from the NotebookJob) says otherwise.
    makeJob: (owner, jobName, behaviour) =>
      Promise.resolve(
        notebookJobFixture(
          owner,
          jobName,
          { retries: 0, concurrency: 'allow' },
          behaviour === 'succeed' ? {} : { [KWOK_OUTCOME_LABEL]: behaviour },
        ),
      ),
    runTimeoutMs: 60_000,
    // Runs are read from the Jobs informer cache, which sees a write a moment later.
    readLagMs: 10_000,
    cleanup: async () => {
      await controllers.stop();
      await runtime.stop();
      await clients.core.deleteNamespace({ name: clients.namespace });
    },
  };
});
