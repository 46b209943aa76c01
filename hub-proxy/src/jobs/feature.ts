import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { createArtifactStore } from '../artifacts/index.js';
import type { Catalog } from '../environments/catalog/index.js';
import type { Config } from '../config/schema.js';
import { checkWebhookReachable } from './lifecycle/alerts.js';
import type { JobRuntime } from './model.js';
import type { ArtifactStore } from '../artifacts/index.js';
import { RunLifecycle } from './lifecycle/run-lifecycle.js';
import { HmacRunTokens } from './run-token.js';
import { webhookPolicyProblem } from './lifecycle/webhook-policy.js';
import type { Logger } from '../observability/logger.js';
import { observeKubeRequest, setCacheSize } from '../observability/metrics.js';
import { jobRoutes } from './routes.js';
import { runRoutes } from './run-routes.js';
import { runnerRoutes } from './runner-routes.js';
import type { KubernetesRuntime } from '../k8s/kubernetes-runtime.js';
import { KubernetesJobRuntime } from './kubernetes/index.js';
import { LocalJobRuntime } from './local/index.js';
import type { HubProxyExtras } from '../server.js';
import { JobRunsService } from './runs.js';
import { JobsService } from './service.js';
import { RunnerApiService } from './runner-api.js';

/** The jobs feature, assembled: routes plus what the server must check and stop. */
export interface AssembledJobs {
  runtime: JobRuntime;
  artifacts: ArtifactStore;
  extras: Required<Pick<HubProxyExtras, 'routes' | 'readinessChecks' | 'shutdownHooks'>>;
}

/** Where runners reach hub-proxy: configured, or hub-proxy's own loopback listener. */
export function runnerApiUrl(config: Config): string {
  if (config.jobs.runnerApiUrl) return config.jobs.runnerApiUrl.replace(/\/?$/, '/');
  const host = ['0.0.0.0', '::', ''].includes(config.listenHost) ? '127.0.0.1' : config.listenHost;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return `http://${bracketed}:${config.listenPort}${config.servicePrefix}`;
}

/** Run-token secret: configured, or derived from the service token so every replica agrees. */
function runTokenSecret(config: Config): string {
  return (
    config.jobs.runTokenSecret ??
    createHmac('sha256', config.apiToken).update('turing run tokens').digest('hex')
  );
}

/**
 * Wires notebook jobs: artifact store, run tokens, the runtime of
 * `config.runtime` (Kubernetes controllers under the Lease, or local
 * papermill subprocesses), the shared run lifecycle, and the public and
 * runner APIs. The runtime starts in the background; `/readyz` waits for it.
 */
export function assembleJobs(
  config: Config,
  catalog: Catalog,
  logger: Logger,
  kubernetes: KubernetesRuntime | undefined,
): AssembledJobs {
  const log = logger.child({ component: 'jobs' });
  const artifacts = createArtifactStore(config.artifacts);
  const tokens = new HmacRunTokens(runTokenSecret(config));
  const runtime: JobRuntime = kubernetes
    ? new KubernetesJobRuntime({
        clients: kubernetes.clients,
        elector: kubernetes.elector,
        tokens,
        runnerApiUrl: runnerApiUrl(config),
        runnerConfigMap: config.jobs.runnerConfigMap,
        gpuProductFor: (type) => catalog.gpuTypes[type]?.nodeSelector['nvidia.com/gpu.product'],
        resyncMs: config.jobs.resyncSeconds * 1000,
        informerHooks: (label) => ({
          onCacheSize: (_resource, size) => setCacheSize(label, size),
          onRequest: (verb, _resource, outcome) =>
            observeKubeRequest({ verb, resource: label, code: outcome === 'success' ? 'ok' : 'error' }),
        }),
        logger: log,
      })
    : new LocalJobRuntime({
        stateDir: resolve(config.jobs.stateDir),
        artifacts,
        tokens,
        runnerApiUrl: () => runnerApiUrl(config),
        ...(config.jobs.pythonPath ? { pythonPath: config.jobs.pythonPath } : {}),
        logger: log,
      });
  new RunLifecycle({
    runtime,
    artifacts,
    logger: log,
    runUrl: (run) =>
      config.publicHubUrl
        ? new URL(`../services/${config.serviceName}/api/v1/runs/${run.id}`, config.publicHubUrl).href
        : undefined,
  }).attach();

  let started = false;
  let startError: string | undefined;
  runtime.start().then(
    () => {
      started = true;
    },
    (err: unknown) => {
      startError = (err as Error).message;
      log.error({ err }, 'jobs runtime failed to start');
    },
  );

  const jobs = new JobsService({
    runtime,
    artifacts,
    catalog,
    checkWebhook: async (url) => {
      const refused = await webhookPolicyProblem(url);
      if (refused) return { reachable: false, reason: refused };
      return checkWebhookReachable(url, { timeoutMs: config.jobs.webhookCheckTimeoutMs });
    },
    maxNotebookBytes: config.jobs.maxNotebookBytes,
    defaultHistoryLimit: config.jobs.defaultHistoryLimit,
    logger: log,
  });
  const runs = new JobRunsService(jobs, runtime, artifacts);
  return {
    runtime,
    artifacts,
    extras: {
      routes: [
        ...jobRoutes(jobs, runs),
        ...runRoutes(runs),
        ...runnerRoutes(new RunnerApiService({ runtime, artifacts, tokens })),
      ],
      readinessChecks: [
        async () => {
          // A slow first sync rejects start(), but the caches keep trying: follow them.
          const ok =
            started ||
            (runtime instanceof KubernetesJobRuntime && Object.values(runtime.caches).every((c) => c.synced));
          return { name: 'jobs runtime', ok, ...(ok ? {} : { detail: startError ?? 'starting' }) };
        },
      ],
      shutdownHooks: [{ name: 'stop the jobs runtime', run: () => runtime.stop() }],
    },
  };
}
