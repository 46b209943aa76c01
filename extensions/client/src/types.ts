/**
 * Types of the hub-proxy REST API (v1) as the Turing extensions use them.
 *
 * `GET /services/turing/api/openapi.json` is authoritative; these types follow
 * the contract in docs/api.md and the environments design.
 */

/** The caller, from `GET /api/v1/me`. */
export interface Me {
  /** The hub user name. */
  name: string;
  /** `user` or `service` (the kind of token owner). */
  kind: string;
  /** Whether the caller holds the Turing admin scope. */
  admin: boolean;
  /** Every scope the presented credential holds. */
  scopes: string[];
  /** The `turing.dev/owner` label value for this user. */
  ownerLabel: string;
  /** The environment of the caller's servers, when hub-proxy reports it. */
  server?: CurrentServer;
}

/** The environment a server currently runs in. */
export interface CurrentServer {
  /** Catalog id of the environment, when known. */
  environment?: string;
  /** GPUs attached to the server. */
  gpus?: number;
  /** GPU type id, when GPUs are attached. */
  gpuType?: string;
}

/** Versions of the software in an environment image. */
export interface EnvironmentVersions {
  python: string;
  cuda?: string;
  cudnn?: string;
  /** Framework name (e.g. `pytorch`) to version. */
  frameworks: Record<string, string>;
}

/** A GPU type an environment may run on. */
export interface GpuTypeChoice {
  id: string;
  displayName: string;
}

/** GPU options of a GPU environment. */
export interface EnvironmentGpu {
  /** The GPU vendor, e.g. `nvidia`. */
  vendor?: string;
  /** The extended resource name, e.g. `nvidia.com/gpu`. */
  resource: string;
  /** The GPU counts a user may pick, ascending. */
  counts: number[];
  /** The GPU types this environment runs on. */
  types: GpuTypeChoice[];
}

/** A default and a maximum, as Kubernetes quantities (`"2"`, `"8Gi"`). */
export interface ResourceRange {
  default: string;
  max: string;
}

/** One entry of the environment catalog (`images/catalog.yaml`). */
export interface Environment {
  id: string;
  /** The preselected environment of the catalog. */
  default?: boolean;
  displayName: string;
  description: string;
  image: string;
  versions: EnvironmentVersions;
  /** Present only for GPU environments. */
  gpu?: EnvironmentGpu;
  resources: { cpu: ResourceRange; memory: ResourceRange };
  tags: string[];
}

/** Live availability of one GPU type across the cluster. */
export interface GpuAvailability {
  type: string;
  /** The type's display name. */
  displayName?: string;
  /** The `nvidia.com/gpu.product` node label value of this type, when known. */
  product?: string | null;
  free: number;
  allocatable: number;
  /** The most GPUs of this type free on a single node (a pod can't span nodes). */
  largestFreeOnOneNode: number;
}

/** The caller's GPU quota. */
export interface GpuQuota {
  maxGpus: number;
  /** GPUs held by all of the caller's active servers. */
  usedGpus: number;
  remainingGpus?: number;
}

/** What one of the caller's servers runs. */
export interface ServerSelection extends CurrentServer {
  /** `''` is the default server. */
  serverName: string;
  ready?: boolean;
  /** The hub's pending action (`spawn`, `stop`), if any. */
  pending?: string | null;
}

/** `GET /api/v1/environments`: the catalog with live GPU availability. */
export interface EnvironmentsResponse {
  environments: Environment[];
  gpus: {
    /** `false` when hub-proxy has no live cluster data: the counts are then unknown, not 0. */
    available?: boolean;
    types: GpuAvailability[];
  };
  quota: GpuQuota;
  /** The default server's selection, if it is active. */
  current?: CurrentServer;
  /** Every active server of the caller with its selection. */
  servers?: ServerSelection[];
}

/** GPU options of an environment as hub-proxy sends them: the GPU types by id. */
export interface WireEnvironmentGpu extends Omit<EnvironmentGpu, 'types'> {
  /** GPU type ids; `gpus.types[].displayName` names them. */
  types: string[];
}

/** A catalog entry as hub-proxy sends it. */
export interface WireEnvironment extends Omit<Environment, 'gpu'> {
  gpu?: WireEnvironmentGpu;
}

/**
 * `GET /api/v1/environments` as hub-proxy sends it; the client turns it into
 * {@link EnvironmentsResponse} (see `normalizeEnvironments`).
 */
export interface WireEnvironmentsResponse extends Omit<EnvironmentsResponse, 'environments'> {
  environments: WireEnvironment[];
}

/** Body of `POST /api/v1/me/server`. */
export interface SwitchEnvironmentRequest {
  environment: string;
  gpus: number;
  gpuType?: string;
  /** A named server; omit for the default server. */
  serverName?: string;
}

/** `202` answer of `POST /api/v1/me/server`. */
export interface SwitchEnvironmentResponse {
  /** The server started (`''` is the default server). */
  serverName: string;
  environment: string;
  gpus: number;
  gpuType?: string;
  /** The `user_options` the hub starts the server with. */
  userOptions: Record<string, string>;
  /** Whether a running server was stopped first. */
  restarted: boolean;
  /** Where to read the spawn progress (text/event-stream). */
  progressUrl: string;
}

/** One spawn progress event, as JupyterHub's progress stream sends it. */
export interface SpawnProgressEvent {
  progress?: number;
  message?: string;
  ready?: boolean;
  failed?: boolean;
  /** The server's URL path, sent with `ready`. */
  url?: string;
}

/** One invalid field of a validation problem. */
export interface FieldError {
  field: string;
  message: string;
}

/** An `application/problem+json` body (RFC 9457) as hub-proxy sends it. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
  requestId?: string;
}

export * from './job-types';
