import { createHmac } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createArtifactStore, type ArtifactStore } from '../artifacts/index.js';
import type { Config } from '../config/schema.js';
import { CATALOG, GPU_QUOTA, gpuPlacementOf } from '../environments/index.js';
import { QUOTAS } from '../quotas/index.js';
import { defineFeature } from '../feature.js';
import { selfServiceUrl } from '../config/self-url.js';
import { MODEL_OUTPUTS } from '../jobs/index.js';
import { adminModelRoutes } from './admin-routes.js';
import { modelsConfig, type ModelsSettings } from './config.js';
import { ModelGateway } from './gateway/index.js';
import { apiKeyListener, hubGatewayRoute } from './gateway-mounts.js';
import { KubernetesModelRuntime } from './kubernetes/index.js';
import { LocalModelRuntime } from './local/index.js';
import type { ModelRuntime, ModelSpec, ModelVersion } from './model.js';
import { modelArtifactRoutes } from './model-artifact-routes.js';
import { HmacModelArtifactTokens } from './model-artifact-token.js';
import { ModelDirectory } from './model-directory.js';
import { modelRoutes } from './routes.js';
import { modelReplicasOf, ModelsService } from './service.js';
import { ModelUploads } from './uploads.js';

/** Model-artifact token secret: configured, or derived from the service token so every replica agrees. */
function artifactTokenSecret(config: Pick<Config, 'apiToken'>, settings: ModelsSettings): string {
  return (
    settings.artifactTokenSecret ??
    createHmac('sha256', config.apiToken).update('turing model artifact tokens').digest('hex')
  );
}

/** Writes one version's files from the store into `dir` (the local runtime's model repository). */
function materializer(artifacts: ArtifactStore) {
  return async (_spec: ModelSpec, version: ModelVersion, dir: string): Promise<void> => {
    for (const file of version.files) {
      const stored = await artifacts.get(version.storagePrefix + file.path);
      if (!stored)
        throw new Error(`file ${file.path} of version ${version.version} is missing from the store`);
      const target = join(dir, file.path);
      await mkdir(dirname(target), { recursive: true });
      const chunks: Uint8Array[] = [];
      for await (const chunk of stored.body) chunks.push(chunk);
      await writeFile(target, Buffer.concat(chunks));
    }
  };
}

/**
 * Models: the runtime of `config.runtime` (ModelServer objects reconciled
 * into Deployments, Services, PDBs and HPAs under the Lease, or local
 * MLServer / TF Serving stand-in processes), the API, the gateway on the
 * hub side and on the API-key listener, and the publisher of jobs' model
 * outputs.
 */
export const modelsFeature = defineFeature({
  name: 'models',
  config: modelsConfig,
  create(context, { models: settings }) {
    const { config, cluster } = context;
    const log = context.logger.child({ component: 'models' });
    // The owner's `artifactBytes` quota replaces the fixed artifacts.maxOwnerBytes.
    const quotas = context.require(QUOTAS);
    const artifacts = createArtifactStore(config.artifacts, (owner) => quotas.artifactBytesFor(owner));
    const tokens = new HmacModelArtifactTokens(artifactTokenSecret(config, settings));
    const catalog = context.require(CATALOG);
    let runtime: ModelRuntime;
    if (cluster) {
      const image = (kind: string, version: string, gpu: boolean): string => {
        const found = settings.runtimes.find(
          (r) => r.kind === kind && r.version === version && r.gpu === gpu,
        );
        // The service checks the runtime against the catalog before storing it; a later catalog edit can drop it.
        if (!found)
          throw new Error(
            `serving runtime ${kind} ${version}${gpu ? ' (GPU)' : ''} is no longer in the catalog`,
          );
        return found.image;
      };
      const kubernetes = new KubernetesModelRuntime({
        clients: cluster.clients,
        controllers: cluster.controllers,
        tokens,
        artifactApiUrl: settings.artifactApiUrl?.replace(/\/?$/, '/') ?? selfServiceUrl(config),
        initImage: settings.initImage,
        images: {
          tfserving: (version, gpu) => image('tfserving', version, gpu),
          mlserver: (version) => image('mlserver', version, false),
        },
        // Read at each manifest, so admin edits of the catalog apply to the next rollout.
        gpuPlacementFor: (type) => gpuPlacementOf(catalog, type),
        resyncMs: settings.resyncSeconds * 1000,
        informerHooks: (label) => cluster.hooks(label),
        registerCache: (label, cache) => cluster.register(label, cache),
        logger: log,
      });
      runtime = kubernetes;
    } else {
      runtime = new LocalModelRuntime({
        stateDir: resolve(settings.stateDir),
        mlserverPython: resolve(settings.mlserverPython),
        tensorflowPython: resolve(settings.tensorflowPython),
        materialize: materializer(artifacts),
        logger: log,
      });
    }
    let started = false;
    let startError: string | undefined;
    const directory = new ModelDirectory(runtime, { refreshMs: 1000, logger: log });
    runtime.start().then(
      () => {
        started = true;
        directory.start();
      },
      (err: unknown) => {
        startError = (err as Error).message;
        log.error({ err }, 'models runtime failed to start');
      },
    );

    const gateway = new ModelGateway({
      source: runtime.endpoints,
      route: (name) => {
        const spec = directory.spec(name);
        return (
          spec && {
            name,
            disabled: spec.disabled,
            ...(spec.disabledBy ? { disabledBy: spec.disabledBy } : {}),
            versions: spec.versions.map((v) => v.version),
            ...(spec.traffic ? { traffic: spec.traffic } : {}),
          }
        );
      },
      upstreamTimeoutMs: settings.upstreamTimeoutMs,
      maxRequestBytes: settings.maxRequestBytes,
      logger: log,
    });
    // Model replicas hold GPUs from the same per-user quota as servers and job runs (max replicas, as the HPA may reach it).
    const gpuQuota = context.require(GPU_QUOTA);
    gpuQuota.addHolder({
      label: 'models',
      remedy: 'lower a model’s replicas or disable it',
      gpusHeldBy: async (user) =>
        (await runtime.list(user))
          .filter((m) => !m.spec.disabled)
          .reduce((sum, m) => sum + m.spec.resources.gpu * m.spec.replicas.max, 0),
    });
    quotas.registerUsage('modelReplicas', (user) => modelReplicasOf(runtime, user));
    const service = new ModelsService({
      runtime: refreshing(runtime, directory),
      artifacts,
      uploads: new ModelUploads({
        artifacts,
        maxVersionBytes: settings.maxVersionBytes,
        ttlSeconds: settings.uploadTtlSeconds,
      }),
      runtimes: settings.runtimes,
      gpuQuota,
      quotas,
      maxModelsPerUser: settings.maxModelsPerUser,
      maxReplicas: settings.maxReplicas,
      servicePrefix: config.servicePrefix,
      apiKeyBaseUrl: settings.apiKeyBaseUrl,
      logger: log,
    });
    context.require(MODEL_OUTPUTS).setPublisher({ publish: (request) => service.publishRunOutput(request) });

    const mountDeps = { gateway, spec: (name: string) => directory.spec(name) };
    return {
      routes: [
        ...modelRoutes(service, gateway),
        ...modelArtifactRoutes(runtime, artifacts, tokens),
        ...adminModelRoutes(service, gateway),
      ],
      rawRoutes: [hubGatewayRoute(mountDeps)],
      listeners:
        settings.apiKeyListenPort < 0
          ? []
          : [apiKeyListener(mountDeps, settings.apiKeyListenHost, settings.apiKeyListenPort)],
      readinessChecks: [
        async () => ({
          name: 'models runtime',
          ok: started,
          ...(started ? {} : { detail: startError ?? 'starting' }),
        }),
      ],
      statusProviders: { models: () => ({ runtime: runtime.kind, started }) },
      shutdownHooks: [
        {
          name: 'stop the models runtime and gateway',
          run: async () => {
            directory.stop();
            gateway.close();
            await runtime.stop();
          },
        },
      ],
    };
  },
});

/** The runtime, with the directory refreshed after every write so this replica's gateway sees it at once. */
function refreshing(runtime: ModelRuntime, directory: ModelDirectory): ModelRuntime {
  const after = async <T>(result: Promise<T>): Promise<T> => {
    const value = await result;
    await directory.refresh();
    return value;
  };
  return Object.assign(Object.create(runtime) as ModelRuntime, {
    create: (spec: ModelSpec) => after(runtime.create(spec)),
    update: (spec: ModelSpec, rv: string) => after(runtime.update(spec, rv)),
    delete: (name: string) => after(runtime.delete(name)),
  });
}
