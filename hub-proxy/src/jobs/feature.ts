import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { createArtifactStore } from '../artifacts/index.js';
import type { Config } from '../config/schema.js';
import { CATALOG, GPU_QUOTA, gpuPlacementOf } from '../environments/index.js';
import { QUOTAS } from '../quotas/index.js';
import { defineFeature } from '../feature.js';
import { jobInventory } from './admin-inventory.js';
import { AdminJobListing } from './admin-listing.js';
import { adminJobRoutes } from './admin-routes.js';
import { jobsConfig, type JobsSettings } from './config.js';
import { KubernetesJobRuntime, recordRunLogUpstream, recordScheduledRunStarted } from './kubernetes/index.js';
import { alertWebhookPolicy, createTimeWebhookCheck } from './lifecycle/alert-webhooks.js';
import { RunLifecycle } from './lifecycle/run-lifecycle.js';
import { LocalJobRuntime, LocalRuntimeSingleUserGate, singleUserRoutes } from './local/index.js';
import type { JobRuntime } from './model.js';
import { MODEL_OUTPUTS, ModelOutputRegistry } from './model-output.js';
import { HmacRunTokens } from './run-token.js';
import { runRoutes } from './run-routes.js';
import { RunnerApiService } from './runner-api.js';
import { runnerRoutes } from './runner-routes.js';
import { jobRoutes } from './routes.js';
import { JobRunsService } from './runs.js';
import { JobsService } from './service.js';
import { activityOf, JobUsageLimits } from './usage-limits.js';
import { artifactKeys } from './naming.js';

/** Where runners reach hub-proxy: configured, or hub-proxy's own loopback listener. */
export function runnerApiUrl(
  config: Pick<Config, 'listenHost' | 'listenPort' | 'servicePrefix'>,
  jobs: JobsSettings,
): string {
  if (jobs.runnerApiUrl) return jobs.runnerApiUrl.replace(/\/?$/, '/');
  const host = ['0.0.0.0', '::', ''].includes(config.listenHost) ? '127.0.0.1' : config.listenHost;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return `http://${bracketed}:${config.listenPort}${config.servicePrefix}`;
}

/** Run-token secret: configured, or derived from the service token so every replica agrees. */
function runTokenSecret(config: Pick<Config, 'apiToken'>, jobs: JobsSettings): string {
  return (
    jobs.runTokenSecret ?? createHmac('sha256', config.apiToken).update('turing run tokens').digest('hex')
  );
}

/** Labels of the jobs caches in metrics, readiness and status. */
const CACHE_LABELS = { notebookJobs: 'notebookjobs', jobs: 'jobs', cronJobs: 'cronjobs' } as const;

/**
 * Notebook jobs: artifact store, run tokens, the runtime of `config.runtime`
 * (Kubernetes caches on every replica and the NotebookJob controller under
 * the Lease, or local papermill subprocesses), the shared run lifecycle, and
 * the public and runner APIs. Provides {@link MODEL_OUTPUTS}, where the
 * models feature registers the publisher of runs' model outputs. The runtime starts in the background;
 * `/readyz` waits for it.
 */
export const jobsFeature = defineFeature({
  name: 'jobs',
  config: jobsConfig,
  create(context, { jobs: settings, alerts }) {
    const { config, cluster } = context;
    const catalog = context.require(CATALOG);
    const catalogIds = catalog.environments.map((e) => e.id);
    const log = context.logger.child({ component: 'jobs' });
    // The owner's `artifactBytes` quota replaces the fixed artifacts.maxOwnerBytes.
    const quotas = context.require(QUOTAS);
    const artifacts = createArtifactStore(config.artifacts, (owner) => quotas.artifactBytesFor(owner));
    const tokens = new HmacRunTokens(runTokenSecret(config, settings));
    let runtime: JobRuntime;
    // The local runtime runs notebooks as hub-proxy's own OS user: one person only, unless told otherwise.
    let singleUser: LocalRuntimeSingleUserGate | undefined;
    if (cluster) {
      const kubernetes = new KubernetesJobRuntime({
        clients: cluster.clients,
        controllers: cluster.controllers,
        tokens,
        runnerApiUrl: runnerApiUrl(config, settings),
        runnerConfigMap: settings.runnerConfigMap,
        ephemeralStorage: {
          request: settings.runEphemeralStorageRequest,
          limit: settings.runEphemeralStorageLimit,
        },
        // Read at each manifest, so admin edits of the catalog apply to the next run.
        gpuPlacementFor: (type) => gpuPlacementOf(catalog, type),
        // Only runs that mount a home claim can wait on a missing one, so only then watch pods for it.
        ...(settings.homeVolume ? { homeVolume: settings.homeVolume, pods: cluster.ownedPods } : {}),
        // Live logs: the owned-pods cache runs anyway; streams open only while someone follows a run.
        logPods: cluster.ownedPods,
        liveLogs: {
          onUpstream: recordRunLogUpstream,
          onError: (runId, err) => log.warn({ err, runId }, 'live log of a run failed; viewers get log.txt'),
        },
        resyncMs: settings.resyncSeconds * 1000,
        onScheduledRunStarted: recordScheduledRunStarted,
        informerHooks: (label) => cluster.hooks(label),
        logger: log,
      });
      for (const [key, label] of Object.entries(CACHE_LABELS)) {
        cluster.register(label, kubernetes.caches[key as keyof typeof CACHE_LABELS]);
      }
      runtime = kubernetes;
    } else {
      runtime = new LocalJobRuntime({
        stateDir: resolve(settings.stateDir),
        artifacts,
        tokens,
        runnerApiUrl: () => runnerApiUrl(config, settings),
        ...(settings.pythonPath ? { pythonPath: settings.pythonPath } : {}),
        ...(settings.localUserHome ? { userHomeTemplate: settings.localUserHome } : {}),
        warmRunners: settings.localWarmRunners,
        logger: log,
      });
      if (settings.localRuntimeUnsafeMultiUser) {
        log.warn('local runtime shared by every hub user: their notebooks can read each other and hub-proxy');
      } else {
        singleUser = new LocalRuntimeSingleUserGate({
          stateDir: resolve(settings.stateDir),
          ...(settings.localRuntimeUser ? { configuredUser: settings.localRuntimeUser } : {}),
        });
      }
    }
    const webhookPolicy = alertWebhookPolicy({
      config,
      alerts,
      runnerApiUrl: settings.runnerApiUrl,
      kubeApiServer: cluster?.clients.kubeConfig.getCurrentCluster()?.server,
    });
    // The models feature, created later, sets the publisher; until then runs record that models are off.
    const modelOutputs = new ModelOutputRegistry();
    context.provide(MODEL_OUTPUTS, modelOutputs);
    new RunLifecycle({
      runtime,
      modelOutputPublisher: () => modelOutputs.publisher,
      artifacts,
      logger: log,
      webhookPolicy,
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

    // Job runs hold GPUs from the same per-user quota as servers: check against it, and count in it.
    const gpuQuota = context.require(GPU_QUOTA);
    const limits = new JobUsageLimits({ limits: settings.limits, runtime, gpuQuota, quotas });
    gpuQuota.addHolder(limits.gpuHolder());
    quotas.registerUsage(
      'concurrentRuns',
      async (user) => (await activityOf(runtime, user)).activeRuns.length,
    );
    quotas.registerUsage('scheduledJobs', (user) => limits.scheduledJobsOf(user));
    quotas.registerUsage('artifactBytes', (user) => artifacts.usage(artifactKeys.ownerPrefix(user)));
    if (settings.limits.activeRunsPerUser !== undefined) {
      log.warn(
        'jobs.limits.activeRunsPerUser is ignored: the concurrentRuns quota replaces it (see docs/admin/quotas.md)',
      );
    }
    const jobs = new JobsService({
      runtime,
      artifacts,
      catalog,
      checkWebhook: createTimeWebhookCheck(webhookPolicy, settings.webhookCheckTimeoutMs, log),
      maxNotebookBytes: settings.maxNotebookBytes,
      defaultHistoryLimit: settings.defaultHistoryLimit,
      limits,
      logger: log,
    });
    const runs = new JobRunsService(jobs, runtime, artifacts);
    const userRoutes = [...jobRoutes(jobs, runs, catalogIds), ...runRoutes(runs)];
    return {
      routes: [
        ...(singleUser ? singleUserRoutes(userRoutes, singleUser) : userRoutes),
        ...runnerRoutes(new RunnerApiService({ runtime, artifacts, tokens })),
        // Read-only and for admins: outside the local runtime's single-user gate, which would bind them.
        ...adminJobRoutes(new AdminJobListing({ inventory: jobInventory(runtime), artifacts })),
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
      statusProviders: { jobs: () => ({ runtime: runtime.kind, started, artifacts: artifacts.backend }) },
      shutdownHooks: [{ name: 'stop the jobs runtime', run: () => runtime.stop() }],
    };
  },
});
