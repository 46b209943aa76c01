/**
 * The admin API's shapes (issue 14's contract; `/api/openapi.json` is
 * authoritative). Fields the pages only display are kept loose so a small
 * server-side difference shows as a blank, not a crash.
 */

/** A default and a maximum Kubernetes quantity (`"2"`, `"8Gi"`). */
export interface ResourceRange {
  default: string;
  max: string;
}

/** The GPUs an environment may use. */
export interface CatalogGpu {
  vendor: string;
  resource: string;
  counts: number[];
  types: string[];
}

/** One environment as `images/catalog.yaml` writes it. */
export interface CatalogEnvironment {
  id: string;
  displayName: string;
  description: string;
  image: string;
  default?: boolean;
  versions: { python: string; cuda?: string; cudnn?: string; frameworks: Record<string, string> };
  gpu?: CatalogGpu;
  resources: { cpu: ResourceRange; memory: ResourceRange };
  tags: string[];
  disabled?: boolean;
}

/** A kind of GPU node of the catalog. */
export interface CatalogGpuType {
  displayName: string;
  nodeSelector: Record<string, string>;
  tolerations?: unknown[];
}

/** A KubeSpawner `profile_list` entry, shown as JSON. */
export type KubeSpawnerProfile = Record<string, unknown>;

/** A catalog environment with its admin state and the profile it yields. */
export interface AdminEnvironment extends CatalogEnvironment {
  disabled: boolean;
  profile: KubeSpawnerProfile;
}

/** `GET /api/v1/admin/environments`. */
export interface AdminCatalog {
  version: string;
  gpuTypes: Record<string, CatalogGpuType>;
  items: AdminEnvironment[];
}

/** The quota keys, each a non-negative integer. */
export const QUOTA_KEYS = [
  'gpus',
  'concurrentRuns',
  'scheduledJobs',
  'modelReplicas',
  'artifactBytes',
] as const;

/** One quota key. */
export type QuotaKey = (typeof QUOTA_KEYS)[number];

/** A value per quota key. */
export type QuotaLimits = Record<QuotaKey, number>;

/** The quotas document (`GET`/`PUT /api/v1/admin/quotas`). */
export interface QuotasDocument {
  defaults: QuotaLimits;
  groups: Record<string, Partial<QuotaLimits>>;
  users: Record<string, Partial<QuotaLimits>>;
}

/** The quotas document with its version. */
export interface VersionedQuotas extends QuotasDocument {
  version: string;
}

/** `GET /api/v1/admin/quotas/usage?user=`. */
export interface QuotaUsage {
  user: string;
  groups: string[];
  limits: QuotaLimits;
  used: QuotaLimits;
  /** `user`, `group:<name>` or `default` per key. */
  sources: Record<QuotaKey, string>;
}

/** A run's state. */
export const RUN_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;

/** One run state. */
export type RunState = (typeof RUN_STATES)[number];

/** A run across users (`GET /api/v1/admin/runs`). */
export interface AdminRun {
  id: string;
  job: string;
  owner: string;
  state: RunState;
  progress?: { cell: number; cells: number };
  startedAt?: string;
  finishedAt?: string;
  createdAt?: string;
  reason?: string;
  environment?: string;
  /** API paths relative to the service prefix. */
  links: { log: string; outputHtml?: string; outputIpynb?: string };
}

/** A job across users (`GET /api/v1/admin/jobs`). */
export interface AdminJob {
  name: string;
  owner: string;
  environment: string;
  suspended: boolean;
  state?: string;
  schedule?: { cron: string; description?: string };
}

/** A page of a cursor-paged list. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** A model's API key, without its secret. */
export interface AdminApiKey {
  id: string;
  name?: string;
  label?: string;
  createdAt: string;
  lastUsedAt?: string;
}

/** A model across users (`GET /api/v1/admin/models`). */
export interface AdminModel {
  name: string;
  owner: string;
  runtime?: { kind: string; version: string } | string;
  state?: string;
  status?: { phase?: string; replicas?: number; readyReplicas?: number };
  replicas: { min: number; max: number };
  readyReplicas?: number;
  versions: Array<number | { version: number }>;
  traffic?: { stable: number; canary?: number; canaryPercent: number };
  disabled: boolean;
  gateway?: { requestsPerSecond: number; p50Ms: number | null; p95Ms: number | null; errorRate: number };
  apiKeys: AdminApiKey[];
}

/** What a GPU is allocated to. */
export const WORKLOAD_KINDS = ['server', 'jobRun', 'modelReplica', 'other'] as const;

/** One workload kind. */
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** GPUs of one product or node. */
export interface GpuCapacity {
  capacity: number;
  allocated: number;
  free: number;
}

/** `GET /api/v1/admin/gpu-usage`. */
export interface GpuUsage {
  available: boolean;
  synced: boolean;
  totals: GpuCapacity;
  byType: Array<GpuCapacity & { product: string }>;
  nodes: Array<GpuCapacity & { name: string; product: string }>;
  byUser: Array<Record<WorkloadKind, number> & { user: string; total: number }>;
  byKind: Record<WorkloadKind, number>;
  allocations: Array<{
    namespace: string;
    pod: string;
    node: string;
    product: string;
    user?: string;
    kind: WorkloadKind;
    gpus: number;
  }>;
}

/** One audit entry. */
export interface AuditEntry {
  id: string;
  time: string;
  requestId: string;
  actor: { name: string; kind: string; admin: boolean };
  action: string;
  method: string;
  path: string;
  object: { kind: string; name?: string; owner?: string };
  change?: unknown;
  result: { status: number; outcome: 'success' | 'failure' | 'denied' };
}

/** The caller (`GET /api/v1/me`). */
export interface Me {
  name: string;
  admin: boolean;
}
