/**
 * Types of the models part of the hub-proxy REST API (v1): served models,
 * their integer versions, uploads, traffic, API keys, stats and the gateway
 * answers. They mirror the views of `hub-proxy/src/models/model.ts`; the
 * contract is `/api/openapi.json`.
 */

/** Serving runtimes of the catalog: `tfserving` serves SavedModels, `mlserver` xgboost and sklearn. */
export type ServingRuntimeKind = 'tfserving' | 'mlserver';

/** What a version's files are; decides the runtime (tensorflow: tfserving; xgboost, sklearn: mlserver). */
export type ModelFormat = 'tensorflow' | 'xgboost' | 'sklearn';

/** Where a model stands, as its runtime observes it. */
export type ModelPhase = 'Pending' | 'Ready' | 'Degraded' | 'Failed' | 'Disabled';

/** The two gateway protocols: TF Serving REST (`v1`) and the Open Inference Protocol (`v2`). */
export type GatewayProtocol = 'v1' | 'v2';

/** One input or output tensor of a signature; `-1` in `shape` is an unknown dimension. */
export interface ModelTensorSpec {
  name: string;
  /** TF dtype name (`DT_FLOAT`) for SavedModels, V2 datatype (`FP32`) otherwise. */
  dtype: string;
  shape: number[] | null;
}

/** The serving signature of a version, read from its files by hub-proxy. */
export interface ModelSignature {
  /** `serving_default` for SavedModels. */
  name: string;
  inputs: ModelTensorSpec[];
  outputs: ModelTensorSpec[];
}

/** One file of a version, relative to the version's folder (`variables/variables.index`). */
export interface ModelFile {
  path: string;
  sizeBytes: number;
}

/** Where a version came from: an upload from JupyterLab or a job run. */
export type ModelVersionSource = { kind: 'upload'; by: string } | { kind: 'job'; job: string; run: string };

/** One immutable, integer-numbered version (1, 2, ...). */
export interface ModelVersion {
  version: number;
  format: ModelFormat;
  /** The main file of an xgboost or sklearn version (`model.json`); absent for a SavedModel folder. */
  modelFile?: string;
  files: ModelFile[];
  sizeBytes: number;
  signature?: ModelSignature;
  source: ModelVersionSource;
  createdAt: string;
}

/** Who may call a model through the gateway, besides its owner. */
export interface ModelAccess {
  /** Hub users allowed besides the owner. */
  users: string[];
  /** Hub groups whose members are allowed. */
  groups: string[];
  /** Whether API key holders may call it on the in-cluster listener. */
  apiKeys: boolean;
}

/** Which versions get traffic: `canary` gets `canaryPercent` % of it, `stable` the rest. */
export interface ModelTrafficSplit {
  stable: number;
  canary?: number;
  canaryPercent: number;
}

/** Resources of one serving replica (Kubernetes quantities). */
export interface ModelResources {
  cpu: string;
  memory: string;
  gpu: number;
  /** Catalog GPU type id when `gpu` > 0. */
  gpuType?: string;
}

/** Replica bounds of the autoscaler. */
export interface ModelReplicas {
  min: number;
  max: number;
}

/** The serving runtime a model runs on. */
export interface ModelRuntimeChoice {
  kind: ServingRuntimeKind;
  version: string;
  gpu: boolean;
}

/** An API key as listed: never its secret. */
export interface ModelApiKeyInfo {
  id: string;
  label: string;
  createdAt: string;
}

/** `201` answer of creating an API key: the only time `key` is shown. */
export interface CreatedModelApiKey extends ModelApiKeyInfo {
  key: string;
}

/** What the runtime observes of a model. */
export interface ModelStatusView {
  phase: ModelPhase;
  replicas: number;
  readyReplicas: number;
  /** Versions served by at least one ready replica. */
  servingVersions: number[];
  message?: string;
  updatedAt?: string;
}

/** Where a model is called (URL paths below the hub's origin). */
export interface ModelEndpoints {
  /** TF Serving REST base, e.g. `/services/turing/models/m/v1/models/m`. */
  v1: string;
  /** Open Inference Protocol base, e.g. `/services/turing/models/m/v2/models/m`. */
  v2: string;
  /** The in-cluster API key listener's base, when API keys are enabled. */
  apiKeyBase?: string;
}

/** A served model, as `GET /api/v1/models/{name}` answers. */
export interface ModelView {
  name: string;
  owner: string;
  runtime: ModelRuntimeChoice;
  format: ModelFormat;
  replicas: ModelReplicas;
  resources: ModelResources;
  access: ModelAccess;
  apiKeys: ModelApiKeyInfo[];
  /** Oldest first. */
  versions: ModelVersion[];
  /** Absent until the first version exists. */
  traffic?: ModelTrafficSplit;
  /** The split before the last change (what Roll back restores). */
  previousTraffic?: ModelTrafficSplit;
  disabled: boolean;
  status: ModelStatusView;
  endpoints: ModelEndpoints;
  createdAt: string;
  resourceVersion: string;
}

/** `GET /api/v1/models`. */
export interface ModelList {
  items: ModelView[];
}

/** One serving runtime of the catalog (`GET /api/v1/models/runtimes`). */
export interface ServingRuntime {
  kind: ServingRuntimeKind;
  version: string;
  gpu: boolean;
  /** Display name, e.g. "TF Serving 2.19 (CPU)". */
  label: string;
  /** The model formats it serves. */
  formats: ModelFormat[];
  /** The preselected runtime for its formats. */
  default: boolean;
}

/** `GET /api/v1/models/runtimes`. */
export interface ServingRuntimeList {
  items: ServingRuntime[];
}

/** Body of `POST /api/v1/models`. */
export interface CreateModelRequest {
  name: string;
  runtime: ModelRuntimeChoice;
  replicas: ModelReplicas;
  resources: ModelResources;
  access: ModelAccess;
}

/** Body of `PATCH /api/v1/models/{name}`: any subset. */
export interface UpdateModelRequest {
  runtime?: ModelRuntimeChoice;
  replicas?: ModelReplicas;
  resources?: ModelResources;
  access?: ModelAccess;
  disabled?: boolean;
}

/** Body of `POST /api/v1/models/{name}/uploads`: the files the version will have. */
export interface BeginUploadRequest {
  files: ModelFile[];
}

/** `201` answer of `POST /api/v1/models/{name}/uploads`. */
export interface UploadSession {
  uploadId: string;
  /** The most bytes the whole version may have. */
  maxBytes: number;
  expiresAt: string;
}

/** What happens to traffic when an uploaded version is committed. */
export type PublishRollout = { kind: 'replace' } | { kind: 'canary'; percent: number } | { kind: 'none' };

/** Body of `POST /api/v1/models/{name}/uploads/{uploadId}/commit`. */
export interface CommitUploadRequest {
  rollout: PublishRollout;
}

/** `GET /api/v1/models/{name}/versions`. */
export interface ModelVersionList {
  items: ModelVersion[];
}

/** `GET /api/v1/models/{name}/api-keys`. */
export interface ModelApiKeyList {
  items: ModelApiKeyInfo[];
}

/** Body of `POST /api/v1/models/{name}/api-keys`. */
export interface CreateModelApiKeyRequest {
  label: string;
}

/** Body of `PUT /api/v1/models/{name}/traffic`. */
export type TrafficRequest = ModelTrafficSplit;

/** One point of a model's gateway statistics. */
export interface ModelStatsPoint {
  /** ISO time. */
  at: string;
  requestsPerSecond: number;
  p95Ms: number;
  errors: number;
}

/** `GET /api/v1/models/{name}/stats`, oldest point first. */
export interface ModelStats {
  points: ModelStatsPoint[];
}

/** The answer of a prediction through the gateway (any status: the model's errors are shown too). */
export interface PredictionResult {
  status: number;
  ok: boolean;
  /** Milliseconds from sending to the whole answer read. */
  latencyMs: number;
  /** The version that answered (`x-turing-model-version`), when the gateway said. */
  servedVersion?: string;
  contentType: string;
  /** Parsed JSON when the answer is JSON, else its text. */
  body: unknown;
}
