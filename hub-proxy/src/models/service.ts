import type { ArtifactStore } from '../artifacts/index.js';
import type { Identity } from '../auth/identity.js';
import type { GpuQuota } from '../environments/index.js';
import {
  Conflict,
  Forbidden,
  InvalidInput,
  NotFound,
  QuotaExceeded,
  Unprocessable,
} from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { mayManage } from './access.js';
import { withDisabled } from './admin-disable.js';
import { mintApiKey } from './api-keys.js';
import type { ServingRuntime } from './config.js';
import { detectModel } from './formats/detect-format.js';
import type {
  ModelFile,
  ModelFormat,
  ModelRecord,
  ModelRuntime,
  ModelSpec,
  ModelVersion,
  ModelVersionSource,
} from './model.js';
import { modelKeys } from './storage-layout.js';
import { applyRollout, promoteCanary, rollBack, setTraffic, type Rollout } from './traffic.js';
import type { ModelUploads } from './uploads.js';
import { formatsOf, modelView, type ModelView } from './views.js';

/** Settings and collaborators of {@link ModelsService}. */
export interface ModelsServiceOptions {
  runtime: ModelRuntime;
  artifacts: ArtifactStore;
  uploads: ModelUploads;
  runtimes: readonly ServingRuntime[];
  gpuQuota: GpuQuota;
  /** The `modelReplicas` quota (quotas feature); absent: replicas are not counted against one. */
  quotas?: ModelQuotas;
  maxModelsPerUser: number;
  maxReplicas: number;
  servicePrefix: string;
  /** The API-key listener's in-cluster URL, for the views. */
  apiKeyBaseUrl?: string | undefined;
  logger: Logger;
}

/** The quota checks the models API makes (the quotas feature's policy fits). */
export interface ModelQuotas {
  /** Refuses (403 QuotaExceeded) when `used` plus `request.adds` is over the owner's `modelReplicas`. */
  assertWithin(owner: string, key: 'modelReplicas', used: number, request?: { adds?: number }): Promise<void>;
}

/** The sum of `replicas.max` over `owner`'s enabled models: what the `modelReplicas` quota counts. */
export async function modelReplicasOf(runtime: Pick<ModelRuntime, 'list'>, owner: string): Promise<number> {
  return (await runtime.list(owner))
    .filter((model) => !model.spec.disabled)
    .reduce((sum, model) => sum + model.spec.replicas.max, 0);
}

/** A create request after edge validation. */
export interface CreateModelInput {
  name: string;
  runtime: { kind: 'tfserving' | 'mlserver'; version: string; gpu: boolean };
  replicas: { min: number; max: number };
  resources: { cpu: string; memory: string; gpu: number; gpuType?: string | undefined };
  access: { users: string[]; groups: string[]; apiKeys: boolean };
}

/** A patch after edge validation. */
export type PatchModelInput = Partial<Omit<CreateModelInput, 'name'>> & { disabled?: boolean };

const WRITE_ATTEMPTS = 4;

/**
 * The models API: ownership checks, limits, versions and traffic. Records
 * live in the runtime (ModelServer objects, or the local state files);
 * every change is a read-modify-write retried on a stale resourceVersion.
 */
export class ModelsService {
  constructor(private readonly options: ModelsServiceOptions) {}

  /** The serving runtimes users may pick, with the formats each serves. */
  runtimes() {
    return this.options.runtimes.map((r) => ({
      kind: r.kind,
      version: r.version,
      gpu: r.gpu,
      label: r.label,
      formats: formatsOf(r.kind),
      default: r.default,
    }));
  }

  /** The caller's models; admins: everyone's, or one user's with `user`. */
  async list(caller: Identity, user?: string): Promise<ModelView[]> {
    if (user !== undefined && !caller.isAdmin && user !== caller.name) {
      throw new Forbidden("Only admins may list another user's models.");
    }
    const owner = user ?? (caller.isAdmin ? undefined : caller.name);
    const records = await this.options.runtime.list(owner);
    return records.map((r) => this.view(r));
  }

  /** One model the caller manages; NotFound otherwise (existence is not revealed). */
  async get(caller: Identity, name: string): Promise<ModelView> {
    return this.view(await this.managed(caller, name));
  }

  /** Creates a model without versions; publish files to serve it. */
  async create(caller: Identity, input: CreateModelInput): Promise<ModelView> {
    this.checkRuntime(input.runtime, input.resources.gpu);
    this.checkReplicas(input.replicas);
    const owned = await this.options.runtime.list(caller.name);
    if (owned.length >= this.options.maxModelsPerUser) {
      throw new QuotaExceeded(
        'models',
        this.options.maxModelsPerUser,
        owned.length,
        `You have ${owned.length} models, the most allowed; delete one first.`,
      );
    }
    await this.checkGpus(caller.name, input.resources.gpu * input.replicas.max, 0);
    await this.checkReplicaQuota(caller.name, input.replicas.max, 0);
    const spec: ModelSpec = {
      name: input.name,
      owner: caller.name,
      runtime: input.runtime,
      replicas: input.replicas,
      resources: {
        cpu: input.resources.cpu,
        memory: input.resources.memory,
        gpu: input.resources.gpu,
        ...(input.resources.gpuType ? { gpuType: input.resources.gpuType } : {}),
      },
      access: input.access,
      apiKeys: [],
      versions: [],
      disabled: false,
    };
    const existing = await this.options.runtime.get(input.name);
    if (existing) throw nameTaken(input.name, existing.spec.owner === caller.name);
    try {
      return this.view(await this.options.runtime.create(spec));
    } catch (err) {
      if (err instanceof Conflict) throw nameTaken(input.name, false);
      throw err;
    }
  }

  /** Changes settings (runtime version, replicas, resources, access, disabled). */
  async patch(caller: Identity, name: string, input: PatchModelInput): Promise<ModelView> {
    return this.change(caller, name, async (spec) => {
      const runtime = input.runtime ?? spec.runtime;
      const resources = input.resources ?? spec.resources;
      const replicas = input.replicas ?? spec.replicas;
      this.checkRuntime(runtime, resources.gpu);
      if (spec.format && !formatsOf(runtime.kind).includes(spec.format)) {
        throw new InvalidInput(
          [{ field: 'body.runtime.kind', message: `${runtime.kind} cannot serve ${spec.format} models` }],
          `${runtime.kind} cannot serve this ${spec.format} model.`,
        );
      }
      this.checkReplicas(replicas);
      await this.checkServingQuotas(spec, {
        replicas,
        gpu: resources.gpu,
        disabled: input.disabled ?? spec.disabled,
      });
      const edited: ModelSpec = {
        ...spec,
        runtime,
        replicas,
        resources: {
          cpu: resources.cpu,
          memory: resources.memory,
          gpu: resources.gpu,
          ...(resources.gpuType ? { gpuType: resources.gpuType } : {}),
        },
        access: input.access ?? spec.access,
      };
      return withDisabled(caller, edited, input.disabled);
    });
  }

  /** Deletes the model, its serving objects and its files. */
  async delete(caller: Identity, name: string): Promise<void> {
    const record = await this.managed(caller, name);
    await this.options.runtime.delete(name);
    await this.options.artifacts.deletePrefix(modelKeys.modelPrefix(record.spec.owner, name));
  }

  /** The model's versions, oldest first. */
  async versions(caller: Identity, name: string): Promise<ModelVersion[]> {
    return (await this.managed(caller, name)).spec.versions;
  }

  /** Pins the stable version and optionally a canary at a percentage. */
  setTraffic(
    caller: Identity,
    name: string,
    wanted: { stable: number; canary?: number | undefined; canaryPercent: number },
  ) {
    return this.change(caller, name, (spec) =>
      setTraffic(spec, {
        stable: wanted.stable,
        canaryPercent: wanted.canaryPercent,
        ...(wanted.canary === undefined ? {} : { canary: wanted.canary }),
      }),
    );
  }

  /** The canary takes all traffic. */
  promote(caller: Identity, name: string) {
    return this.change(caller, name, (spec) => promoteCanary(spec));
  }

  /** Drops the canary, or returns to the split before the last change. */
  rollBack(caller: Identity, name: string) {
    return this.change(caller, name, (spec) => rollBack(spec));
  }

  /** Starts an upload of a new version's files. */
  async startUpload(caller: Identity, name: string, files: ModelFile[]) {
    const record = await this.managed(caller, name);
    const session = await this.options.uploads.create(record.spec.owner, name, files);
    return {
      uploadId: session.id,
      maxBytes: session.files.reduce((s, f) => s + f.sizeBytes, 0),
      expiresAt: session.expiresAt,
    };
  }

  /** Streams one file of an upload. */
  async putUploadFile(
    caller: Identity,
    name: string,
    uploadId: string,
    path: string,
    body: AsyncIterable<Uint8Array>,
  ) {
    const record = await this.managed(caller, name);
    const session = await this.options.uploads.get(record.spec.owner, name, uploadId);
    return this.options.uploads.putFile(session, path, body);
  }

  /** Turns a complete upload into version N+1 with `rollout`. */
  async commitUpload(
    caller: Identity,
    name: string,
    uploadId: string,
    rollout: Rollout,
  ): Promise<ModelVersion> {
    const record = await this.managed(caller, name);
    const uploads = this.options.uploads;
    const session = await uploads.get(record.spec.owner, name, uploadId);
    const files = await uploads.complete(session);
    const version = await this.addVersion(
      name,
      files,
      session.storagePrefix,
      { kind: 'upload', by: caller.name },
      rollout,
    );
    await uploads.close(session, true);
    return version;
  }

  /**
   * Adds a version from files already in the store (a job's model output):
   * the model is created with the default runtime for the format if it does
   * not exist. Idempotent per run.
   */
  async publishRunOutput(request: {
    owner: string;
    job: string;
    runId: string;
    model: string;
    rollout: Rollout;
    files: { path: string; key: string; sizeBytes: number }[];
  }): Promise<{ version: number }> {
    const existing = await this.options.runtime.get(request.model);
    if (existing && existing.spec.owner !== request.owner) {
      throw new Forbidden(`The model name "${request.model}" belongs to another user.`);
    }
    const published = (spec: ModelSpec | undefined) =>
      spec?.versions.find((v) => v.source.kind === 'job' && v.source.run === request.runId);
    const already = published(existing?.spec);
    if (already) return { version: already.version };
    // Copied out of the run's folder: run retention must not take a served version's files.
    const prefix = modelKeys.blobPrefix(request.owner, request.model, `run-${request.runId}`);
    for (const file of request.files) {
      const source = await this.options.artifacts.get(file.key);
      if (!source)
        throw new Unprocessable(
          [{ field: 'files', message: `"${file.path}" is missing` }],
          `The run's model file "${file.path}" is missing.`,
        );
      await this.options.artifacts.put(prefix + file.path, source.body, {
        contentType: 'application/octet-stream',
      });
    }
    const files = request.files.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes }));
    if (!existing) {
      const detected = await detectModel(files, (path) => this.readFile(prefix + path));
      const kind = detected.format === 'tensorflow' ? 'tfserving' : 'mlserver';
      const runtime =
        this.options.runtimes.find((r) => r.kind === kind && !r.gpu && r.default) ??
        this.options.runtimes.find((r) => r.kind === kind && !r.gpu);
      if (!runtime)
        throw new Unprocessable(
          [{ field: 'model', message: `no ${kind} runtime` }],
          `No serving runtime serves ${detected.format} models.`,
        );
      const spec: ModelSpec = {
        name: request.model,
        owner: request.owner,
        runtime: { kind, version: runtime.version, gpu: false },
        replicas: { min: 1, max: 1 },
        resources: { cpu: '1', memory: '1Gi', gpu: 0 },
        access: { users: [], groups: [], apiKeys: false },
        apiKeys: [],
        versions: [],
        disabled: false,
      };
      await this.checkReplicaQuota(request.owner, spec.replicas.max, 0);
      await this.options.runtime.create(spec).catch((err: unknown) => {
        if (!(err instanceof Conflict)) throw err;
      });
    }
    const version = await this.addVersion(
      request.model,
      files,
      prefix,
      { kind: 'job', job: request.job, run: request.runId },
      request.rollout,
      published,
    );
    return { version: version.version };
  }

  /** Creates an API key; the plaintext is returned once. */
  async createApiKey(caller: Identity, name: string, label: string) {
    const minted = mintApiKey(label);
    await this.change(caller, name, (spec) => {
      if (spec.apiKeys.length >= 20)
        throw new Conflict('A model may have at most 20 API keys; revoke one first.');
      return { ...spec, apiKeys: [...spec.apiKeys, minted.stored] };
    });
    const { id, createdAt } = minted.stored;
    return { id, label, createdAt, key: minted.key };
  }

  /** Revokes a key at once (the gateway reads the record on each call). */
  async revokeApiKey(caller: Identity, name: string, id: string): Promise<void> {
    await this.change(caller, name, (spec) => {
      if (!spec.apiKeys.some((k) => k.id === id))
        throw new NotFound(`Model "${name}" has no API key "${id}".`);
      return { ...spec, apiKeys: spec.apiKeys.filter((k) => k.id !== id) };
    });
  }

  /** The API keys, without their hashes. */
  async apiKeys(caller: Identity, name: string) {
    return (await this.managed(caller, name)).spec.apiKeys.map(({ id, label, createdAt }) => ({
      id,
      label,
      createdAt,
    }));
  }

  /** The latest serving log lines. */
  async logs(caller: Identity, name: string, tailLines: number): Promise<string> {
    await this.managed(caller, name);
    return this.options.runtime.logs(name, tailLines);
  }

  /** A record the caller may manage; NotFound otherwise. */
  async managed(caller: Identity, name: string): Promise<ModelRecord> {
    const record = await this.options.runtime.get(name);
    if (!record || !mayManage(caller, record.spec)) throw new NotFound(`You have no model named "${name}".`);
    return record;
  }

  private async addVersion(
    name: string,
    files: ModelFile[],
    storagePrefix: string,
    source: ModelVersionSource,
    rollout: Rollout,
    /** A version that already stands for this one (a run published twice at once): kept, nothing added. */
    existing: (spec: ModelSpec) => ModelVersion | undefined = () => undefined,
  ): Promise<ModelVersion> {
    const detected = await detectModel(files, (path) => this.readFile(storagePrefix + path));
    let added: ModelVersion | undefined;
    await this.write(name, (spec) => {
      // Checked inside the conditional write, so two concurrent deliveries of one run add one version.
      const earlier = existing(spec);
      if (earlier) {
        added = earlier;
        return spec;
      }
      if (spec.format && spec.format !== detected.format) {
        throw new Unprocessable(
          [{ field: 'files', message: `expected a ${spec.format} model like the earlier versions` }],
          `Model "${name}" serves ${spec.format} models; these files are a ${detected.format} model.`,
        );
      }
      if (!formatsOf(spec.runtime.kind).includes(detected.format)) {
        throw new Unprocessable(
          [
            {
              field: 'files',
              message: `${spec.runtime.kind} serves ${formatsOf(spec.runtime.kind).join(' or ')}`,
            },
          ],
          `Model "${name}" runs on ${spec.runtime.kind}, which cannot serve a ${detected.format} model.`,
        );
      }
      const version = Math.max(0, ...spec.versions.map((v) => v.version)) + 1;
      added = {
        version,
        format: detected.format,
        ...(detected.modelFile ? { modelFile: detected.modelFile } : {}),
        files,
        storagePrefix,
        sizeBytes: files.reduce((s, f) => s + f.sizeBytes, 0),
        ...(detected.signature ? { signature: detected.signature } : {}),
        source,
        createdAt: new Date().toISOString(),
      };
      return applyRollout(
        { ...spec, format: detected.format as ModelFormat, versions: [...spec.versions, added] },
        version,
        rollout,
      );
    });
    this.options.logger.info(
      { model: name, version: added?.version, source: source.kind },
      'model version added',
    );
    if (!added) throw new Error('the version write returned without adding a version');
    return added;
  }

  private async change(
    caller: Identity,
    name: string,
    edit: (spec: ModelSpec) => ModelSpec | Promise<ModelSpec>,
  ) {
    await this.managed(caller, name);
    return this.view(await this.write(name, edit));
  }

  /** Read-modify-write with retries on a stale resourceVersion. */
  private async write(
    name: string,
    edit: (spec: ModelSpec) => ModelSpec | Promise<ModelSpec>,
  ): Promise<ModelRecord> {
    for (let attempt = 1; ; attempt++) {
      const record = await this.options.runtime.get(name);
      if (!record) throw new NotFound(`There is no model named "${name}".`);
      try {
        const edited = await edit(record.spec);
        if (edited === record.spec) return record;
        return await this.options.runtime.update(edited, record.resourceVersion);
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= WRITE_ATTEMPTS) throw err;
      }
    }
  }

  private async readFile(key: string): Promise<Uint8Array> {
    const stored = await this.options.artifacts.get(key);
    if (!stored) throw new NotFound(`Stored file ${key} is missing.`);
    const chunks: Uint8Array[] = [];
    for await (const chunk of stored.body) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  private checkRuntime(runtime: CreateModelInput['runtime'], gpus: number): void {
    const known = this.options.runtimes.find(
      (r) => r.kind === runtime.kind && r.version === runtime.version && r.gpu === runtime.gpu,
    );
    if (!known) {
      const offered = this.options.runtimes
        .map((r) => `${r.kind} ${r.version}${r.gpu ? ' (GPU)' : ''}`)
        .join(', ');
      throw new InvalidInput(
        [{ field: 'body.runtime', message: `not in the catalog (offered: ${offered})` }],
        `${runtime.kind} ${runtime.version}${runtime.gpu ? ' (GPU)' : ''} is not an offered serving runtime.`,
      );
    }
    if (gpus > 0 && !runtime.gpu) {
      throw new InvalidInput(
        [{ field: 'body.resources.gpu', message: 'needs a GPU runtime' }],
        'GPUs need a GPU serving runtime.',
      );
    }
  }

  private checkReplicas(replicas: { min: number; max: number }): void {
    if (replicas.max > this.options.maxReplicas) {
      throw new InvalidInput(
        [{ field: 'body.replicas.max', message: `must be at most ${this.options.maxReplicas}` }],
        `A model may have at most ${this.options.maxReplicas} replicas.`,
      );
    }
  }

  /**
   * The owner's GPUs and `modelReplicas` after an edit: a disabled model
   * holds neither, so enabling one is checked like creating it, and
   * lowering or disabling always passes.
   */
  private async checkServingQuotas(
    before: ModelSpec,
    after: { replicas: { max: number }; gpu: number; disabled: boolean },
  ): Promise<void> {
    const held = (spec: { replicas: { max: number }; disabled: boolean }) =>
      spec.disabled ? 0 : spec.replicas.max;
    await this.checkGpus(before.owner, after.gpu * held(after), before.resources.gpu * held(before));
    await this.checkReplicaQuota(before.owner, held(after), held(before));
  }

  /** Refuses taking the owner's replicas from `current` to `wanted` for one model past `modelReplicas`. */
  private async checkReplicaQuota(owner: string, wanted: number, current: number): Promise<void> {
    const quotas = this.options.quotas;
    if (!quotas || wanted <= current) return;
    const used = await modelReplicasOf(this.options.runtime, owner);
    await quotas.assertWithin(owner, 'modelReplicas', used, { adds: wanted - current });
  }

  private async checkGpus(owner: string, wanted: number, current: number): Promise<void> {
    if (wanted <= current) return;
    await this.options.gpuQuota.assertWithin(owner, { gpus: wanted - current, for: 'this model' });
  }

  private view(record: ModelRecord): ModelView {
    return modelView(record, this.options.servicePrefix, this.options.apiKeyBaseUrl);
  }
}

function nameTaken(name: string, yours: boolean): Conflict {
  return new Conflict(
    yours
      ? `You already have a model named "${name}"; publish a new version to it instead.`
      : `The model name "${name}" is taken (model names are shared by all users, as they name the URL).`,
  );
}
