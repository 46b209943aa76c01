import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemArtifactStore } from '../../artifacts/index.js';
import type { GpuQuota } from '../../environments/index.js';
import { createLogger } from '../../observability/logger.js';
import { DEFAULT_SERVING_RUNTIMES } from '../config.js';
import { ModelsService, type ModelsServiceOptions } from '../service.js';
import { ModelUploads } from '../uploads.js';
import { InMemoryModelRuntime } from './in-memory-model-runtime.js';

/** A GPU quota of one GPU that refuses nothing; a test that counts GPUs passes its own. */
export const permissiveGpuQuota: GpuQuota = {
  maxGpus: () => Promise.resolve(1),
  addHolder: () => undefined,
  usage: async () => ({ used: 0, max: 1, servers: 0, holders: [] }) as never,
  assertWithin: async () => undefined,
};

/** A {@link ModelsService} for unit tests, the runtime it manages models in and the store it keeps files in. */
export interface ModelsServiceFixture {
  service: ModelsService;
  runtime: InMemoryModelRuntime;
  artifacts: FilesystemArtifactStore;
}

/**
 * A {@link ModelsService} over an {@link InMemoryModelRuntime} and a fresh
 * filesystem artifact store in a temp dir (1 MiB objects, 16 MiB an owner),
 * with the default serving runtimes, {@link permissiveGpuQuota}, at most 5
 * models a user and 8 replicas a model; `overrides` replace any of that.
 */
export function modelsServiceFixture(
  overrides: Partial<Omit<ModelsServiceOptions, 'runtime' | 'artifacts' | 'uploads'>> = {},
): ModelsServiceFixture {
  const runtime = new InMemoryModelRuntime();
  const artifacts = new FilesystemArtifactStore({
    directory: mkdtempSync(join(tmpdir(), 'models-svc-')),
    maxObjectBytes: 1024 * 1024,
    maxOwnerBytes: 16 * 1024 * 1024,
  });
  const service = new ModelsService({
    runtime,
    artifacts,
    uploads: new ModelUploads({ artifacts, maxVersionBytes: 1024 * 1024, ttlSeconds: 600 }),
    runtimes: DEFAULT_SERVING_RUNTIMES,
    gpuQuota: permissiveGpuQuota,
    maxModelsPerUser: 5,
    maxReplicas: 8,
    servicePrefix: '/services/turing/',
    logger: createLogger({ level: 'silent' }),
    ...overrides,
  });
  return { service, runtime, artifacts };
}
