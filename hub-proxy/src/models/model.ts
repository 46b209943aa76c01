/**
 * The models feature's domain: a served model, its integer versions, who may
 * call it, its traffic split, and the runtime contract both runtimes
 * (Kubernetes: ModelServer objects; local: MLServer and the TF Serving
 * stand-in as subprocesses) implement.
 */
import type { EndpointSource } from './gateway/endpoint-source.js';

/** Serving runtimes of the catalog. `tfserving` serves SavedModels; `mlserver` serves xgboost and sklearn. */
export type ServingRuntimeKind = 'tfserving' | 'mlserver';

/** What a version's files are. Decides the runtime: tensorflow -> tfserving; xgboost, sklearn -> mlserver. */
export type ModelFormat = 'tensorflow' | 'xgboost' | 'sklearn';

/** One input or output tensor of a signature. `shape` uses -1 for an unknown dimension. */
export interface TensorSpec {
  name: string;
  /** TF dtype name (`DT_FLOAT`) for SavedModels, V2 datatype (`FP32`) otherwise. */
  dtype: string;
  shape: number[] | null;
}

/** The serving signature of a version, read from the files (the SavedModel proto), never guessed. */
export interface ModelSignature {
  /** `serving_default` for SavedModels. */
  name: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** One file of a version, relative to the version's folder (`variables/variables.index`). */
export interface ModelFile {
  path: string;
  sizeBytes: number;
}

/** Where a version came from. */
export type ModelVersionSource = { kind: 'upload'; by: string } | { kind: 'job'; job: string; run: string };

/** One immutable, integer-numbered version (1, 2, ...). */
export interface ModelVersion {
  version: number;
  format: ModelFormat;
  /** The main file for xgboost/sklearn (`model.json`), undefined for a SavedModel folder. */
  modelFile?: string;
  files: ModelFile[];
  /** Artifact-store prefix (ends with `/`) holding `files`. */
  storagePrefix: string;
  sizeBytes: number;
  signature?: ModelSignature;
  source: ModelVersionSource;
  createdAt: string;
}

/** Who may call the model through the gateway, besides its owner. */
export interface ModelAccess {
  /** Hub users allowed besides the owner. */
  users: string[];
  /** Hub groups whose members are allowed. */
  groups: string[];
  /** API keys may call it on the in-cluster listener. */
  apiKeys: boolean;
}

/** A revocable API key; only its hash is stored. */
export interface ModelApiKey {
  id: string;
  label: string;
  /** sha256 hex of the secret part. */
  sha256: string;
  createdAt: string;
}

/** Which versions get traffic. `canary` gets `canaryPercent` % of it, `stable` the rest. */
export interface TrafficSplit {
  stable: number;
  canary?: number;
  canaryPercent: number;
}

/** Who disabled a model: its owner, or an admin (whose decision the owner cannot undo). */
export type ModelDisabledBy = 'owner' | 'admin';

/** Resources of one serving replica. */
export interface ModelResources {
  /** Kubernetes quantities. */
  cpu: string;
  memory: string;
  gpu: number;
  /** Catalog GPU type id when gpu > 0. */
  gpuType?: string;
}

/** What the owner asks for; the runtimes make it so. */
export interface ModelSpec {
  /** Unique across users: it names the gateway URL `/models/<name>/`. */
  name: string;
  owner: string;
  runtime: { kind: ServingRuntimeKind; version: string; gpu: boolean };
  /** Set by the first version; every later version must match it. */
  format?: ModelFormat;
  replicas: { min: number; max: number };
  resources: ModelResources;
  access: ModelAccess;
  apiKeys: ModelApiKey[];
  versions: ModelVersion[];
  /** Unset until the first version exists. */
  traffic?: TrafficSplit;
  /** Versions that traffic pointed at before the last change (for roll back). */
  previousTraffic?: TrafficSplit;
  disabled: boolean;
  /** Who disabled it; only an admin may enable a model an admin disabled. Unset while enabled. */
  disabledBy?: ModelDisabledBy;
  /** Autoscale on the gateway's per-model request rate instead of CPU. */
  autoscaleOnRequestRate?: { targetPerReplica: number };
}

/** A version's load state in the serving runtime, as TF Serving names them. */
export type VersionState = 'START' | 'LOADING' | 'AVAILABLE' | 'UNLOADING' | 'END' | 'UNKNOWN';

/** What the runtime observes. */
export interface ModelStatus {
  phase: 'Pending' | 'Ready' | 'Degraded' | 'Failed' | 'Disabled';
  replicas: number;
  readyReplicas: number;
  /** Versions served by at least one ready replica. */
  servingVersions: number[];
  message?: string;
  /** ISO time of the last status change. */
  updatedAt?: string;
}

/** A stored model: spec, status and the optimistic-concurrency token. */
export interface ModelRecord {
  spec: ModelSpec;
  status: ModelStatus;
  /** Changes on every write; `update` refuses a stale one (409). */
  resourceVersion: string;
  /** Identity of this incarnation (the ModelServer's uid); a recreated model gets a new one. */
  uid?: string;
  createdAt: string;
}

/**
 * The runtime contract. Names are unique across owners; every method takes
 * the model name. Writes never overwrite a newer record.
 */
export interface ModelRuntime {
  readonly kind: 'kubernetes' | 'local';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Every model, or one owner's. */
  list(owner?: string): Promise<ModelRecord[]>;
  /** Undefined if there is none. */
  get(name: string): Promise<ModelRecord | undefined>;
  /** Conflict if the name exists. */
  create(spec: ModelSpec): Promise<ModelRecord>;
  /** Conflict if `resourceVersion` is stale. */
  update(spec: ModelSpec, resourceVersion: string): Promise<ModelRecord>;
  /** Removes the model and everything serving it. Absent is fine. */
  delete(name: string): Promise<void>;
  /** Ready serving endpoints of every model, for the gateway. */
  readonly endpoints: EndpointSource;
  /** The latest log lines of the serving replicas (pod logs or the process log). */
  logs(name: string, tailLines: number): Promise<string>;
}
